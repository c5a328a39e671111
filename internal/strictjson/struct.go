package strictjson

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// field is one member a struct accepts.
type field struct {
	name     string
	index    []int // through embedded structs
	typ      reflect.Type
	tagged   bool
	required bool
}

type structInfo struct {
	fields   []field
	byName   map[string]int
	required []int // indexes into fields
}

// structFields lists the members of t the way encoding/json does: exported
// fields by their json tag name or Go name, fields of embedded structs
// promoted, a name claimed by two fields at the same depth (neither alone
// tagged) dropped, and json:"-" skipped.
func structFields(t reflect.Type) structInfo {
	var all []field
	type level struct {
		t     reflect.Type
		index []int
	}
	visited := map[reflect.Type]bool{}
	next := []level{{t: t}}
	for len(next) > 0 {
		cur := next
		next = nil
		for _, l := range cur {
			if visited[l.t] {
				continue
			}
			visited[l.t] = true
			for i := range l.t.NumField() {
				sf := l.t.Field(i)
				ft := sf.Type
				if sf.Anonymous {
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				index := append(slices.Clone(l.index), i)
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					next = append(next, level{t: ft, index: index})
					continue
				}
				if name == "" {
					name = sf.Name
				}
				all = append(all, field{
					name:     name,
					index:    index,
					typ:      sf.Type,
					tagged:   tag != "" && !strings.HasPrefix(tag, ","),
					required: sf.Tag.Get("strictjson") == "required",
				})
			}
		}
	}
	// Keep, for each name, the dominant field: the shallowest, and among
	// equally shallow ones the only tagged one; otherwise none.
	var si structInfo
	si.byName = map[string]int{}
	byName := map[string][]field{}
	var order []string
	for _, f := range all {
		if _, ok := byName[f.name]; !ok {
			order = append(order, f.name)
		}
		byName[f.name] = append(byName[f.name], f)
	}
	for _, name := range order {
		fs := byName[name]
		depth := len(fs[0].index)
		var top []field
		for _, f := range fs {
			if len(f.index) == depth {
				top = append(top, f)
			}
		}
		if len(top) > 1 {
			var tagged []field
			for _, f := range top {
				if f.tagged {
					tagged = append(tagged, f)
				}
			}
			if len(tagged) != 1 {
				continue
			}
			top = tagged
		}
		si.byName[name] = len(si.fields)
		if top[0].required {
			si.required = append(si.required, len(si.fields))
		}
		si.fields = append(si.fields, top[0])
	}
	return si
}

func newStructDecoder(t reflect.Type) decoderFunc {
	si := structFields(t)
	unknownDetail := ""
	if t.Name() != "" {
		unknownDetail = "no field in " + t.String()
	}
	var decs []decoderFunc
	var once sync.Once
	return func(d *decodeState, v reflect.Value, off, depth int) (int, error) {
		off, c, err := d.peek(off)
		if err != nil {
			return off, err
		}
		if c != '{' {
			return off, d.typeMismatch(off, c, t)
		}
		if depth+1 > d.cfg.maxDepth {
			return off, d.fail(off, ErrDepth, fmt.Sprintf("limit %d", d.cfg.maxDepth))
		}
		once.Do(func() {
			decs = make([]decoderFunc, len(si.fields))
			for i, f := range si.fields {
				decs[i] = typeDecoder(f.typ)
			}
		})
		var seenBits uint64
		var seenMore []bool
		if len(si.fields) > 64 {
			seenMore = make([]bool, len(si.fields))
		}
		var unknown *names // allocated at the first unknown member allowed
		next, err := d.members(off, func(name []byte, nameOff, nameEnd, valOff int) (int, error) {
			i, ok := si.byName[string(name)]
			if !ok {
				if !d.cfg.allowUnknown {
					return nameOff, prependName(d.fail(nameOff, ErrUnknown, unknownDetail), string(name))
				}
				if unknown == nil {
					unknown = new(names)
				}
				if !unknown.add(name, d.stableName(name, nameOff, nameEnd)) {
					return nameOff, prependName(d.fail(nameOff, ErrDuplicate, ""), string(name))
				}
				next, err := d.skip(valOff, depth+1)
				if err != nil {
					return next, prependName(err, d.nameAt(nameOff))
				}
				return next, nil
			}
			f := &si.fields[i]
			if seenMore != nil {
				if seenMore[i] {
					return nameOff, prependName(d.fail(nameOff, ErrDuplicate, ""), f.name)
				}
				seenMore[i] = true
			} else {
				if seenBits&(1<<i) != 0 {
					return nameOff, prependName(d.fail(nameOff, ErrDuplicate, ""), f.name)
				}
				seenBits |= 1 << i
			}
			var fv reflect.Value
			if len(f.index) == 1 {
				fv = v.Field(f.index[0])
			} else {
				fv = fieldAlloc(v, f.index)
				if !fv.IsValid() {
					return valOff, prependName(d.fail(valOff, ErrTarget, fmt.Sprintf("embedded pointer to unexported struct in Go type %s", t)), f.name)
				}
			}
			next, err := decs[i](d, fv, valOff, depth+1)
			if err != nil {
				return next, prependName(err, f.name)
			}
			if f.required {
				if v, c, _ := d.peek(valOff); c == 'n' {
					return v, prependName(d.fail(v, ErrMissing, "null"), f.name)
				}
			}
			return next, nil
		})
		if err != nil {
			return next, err
		}
		for _, i := range si.required {
			seen := seenMore != nil && seenMore[i] || seenMore == nil && seenBits&(1<<i) != 0
			if !seen {
				return next, prependName(d.fail(off, ErrMissing, ""), si.fields[i].name)
			}
		}
		return next, nil
	}
}

// fieldAlloc returns the field at index, allocating nil embedded pointers on
// the way, or the zero Value if one cannot be allocated (unexported).
func fieldAlloc(v reflect.Value, index []int) reflect.Value {
	for n, i := range index {
		if n > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return reflect.Value{}
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v
}
