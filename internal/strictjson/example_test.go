package strictjson_test

import (
	"fmt"

	"github.com/accordsdk/accord/internal/strictjson"
)

func ExampleUnmarshal() {
	var hb struct {
		ID      string `json:"id" strictjson:"required"`
		Payload struct {
			Nonce string `json:"nonce"`
		} `json:"payload"`
	}
	err := strictjson.Unmarshal([]byte(`{"id":"a","\u0070ayload":{"nonce":"n1"}}`), &hb)
	fmt.Println(hb.Payload.Nonce, err)

	err = strictjson.Unmarshal([]byte(`{"id":"a","payload":{"nonce":"n1","\u006eonce":"n2"}}`), &hb)
	fmt.Println(err)

	err = strictjson.Unmarshal([]byte(`{"id":"a","Payload":{}}`), &hb)
	fmt.Println(err)

	err = strictjson.Unmarshal([]byte(`{"payload":{}}`), &hb)
	fmt.Println(err)
	// Output:
	// n1 <nil>
	// strictjson: $.payload.nonce: duplicate member (at byte 34)
	// strictjson: $.Payload: unknown member (at byte 10)
	// strictjson: $.id: missing required member (at byte 0)
}
