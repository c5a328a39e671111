package durable

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A blocking fdatasync(2) keeps the Go scheduler's P of the goroutine that
// called it until the runtime's monitor notices and hands the P to another
// thread, which under a steady load of short fsyncs happens late or not at
// all: on a 2-core machine the committer's fsync then idles half the
// machine while goroutines wait to run. A ring instead asks the kernel to
// run the fdatasync asynchronously through an io_uring (IORING_OP_FSYNC
// with IORING_FSYNC_DATASYNC, which calls the same vfs_fsync_range as
// fdatasync(2)) and waits for its completion by reading an eventfd, which
// Go's network poller parks without holding a P. Durability is the same:
// the call returns only after the kernel's fsync returned, with its error.
//
// io_uring is missing on old kernels and refused by many sandboxes
// (seccomp, io_uring_disabled): newRing then fails and the File uses
// fdatasync(2).

// io_uring ABI (include/uapi/linux/io_uring.h).
const (
	ioringOffSQRing = 0
	ioringOffCQRing = 0x8000000
	ioringOffSQEs   = 0x10000000

	ioringFeatSingleMmap = 1 << 0
	ioringOpFsync        = 3
	ioringFsyncDatasync  = 1 << 0
	ioringRegisterEvfd   = 4

	sqeSize = 64
	cqeSize = 16
)

// submission is a submission queue entry (struct io_uring_sqe) as an
// fsync uses it, in the kernel's byte order.
type submission struct {
	opcode, flags      uint8
	ioprio             uint16
	fd                 int32
	off, addr          uint64
	len, fsyncFlags    uint32
	userData           uint64
	bufIndex, personal uint16
	spliceFDIn         int32
	addr3, pad         uint64
}

// A submission is exactly one entry of the kernel's array.
var _ [unsafe.Sizeof(submission{}) - sqeSize]byte
var _ [sqeSize - unsafe.Sizeof(submission{})]byte

type sqringOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, resv1 uint32
	userAddr                                                        uint64
}

type cqringOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, resv1 uint32
	userAddr                                                        uint64
}

type ringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFD uint32
	resv                                                                   [3]uint32
	sqOff                                                                  sqringOffsets
	cqOff                                                                  cqringOffsets
}

// ring issues fdatasync for one file through an io_uring, one at a time.
// Only the File's committer uses it.
//
// The ring syncs the file through a descriptor of its own (a second open
// file description of the same file), because the kernel drops a
// request's reference to its file some time after the request completes
// (and a ring's, some time after the ring is closed): held on the File's
// own descriptor, such a reference would keep the File's flock after its
// Close. An fsync through any descriptor of a file flushes the file, and
// reports the write-back errors that happened while that descriptor was
// open, which it is from before the File's first append.
type ring struct {
	fd     int      // the io_uring
	evfd   *os.File // eventfd signalled for each completion, on the poller
	file   *os.File // the ring's own descriptor of the file to sync
	sqMem  []byte   // SQ ring mapping (also the CQ ring's with a single mapping)
	cqMem  []byte   // CQ ring mapping, if separate
	sqeMem []byte   // the submission queue entries

	sqTail, sqMask *uint32
	sqArray        unsafe.Pointer
	cqHead, cqTail *uint32
	cqMask         uint32
	cqes           unsafe.Pointer

	seq uint64 // user_data of the last submission
}

// newRing sets up a ring that syncs f, found at path, or returns why it
// cannot.
func newRing(path string, f *os.File) (*ring, error) {
	own, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if a, err := own.Stat(); err != nil {
		own.Close()
		return nil, err
	} else if b, err := f.Stat(); err != nil || !os.SameFile(a, b) {
		own.Close()
		return nil, fmt.Errorf("%s is no longer the file being synced", path)
	}
	var p ringParams
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, 2, uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		own.Close()
		return nil, fmt.Errorf("io_uring_setup: %w", errno)
	}
	r := &ring{fd: int(fd), file: own}
	if err := r.setup(&p); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

func (r *ring) setup(p *ringParams) error {
	if p.sqEntries == 0 || p.cqEntries == 0 {
		return errors.New("io_uring_setup: empty rings")
	}
	sqSize := int(p.sqOff.array) + int(p.sqEntries)*4
	cqSize := int(p.cqOff.cqes) + int(p.cqEntries)*cqeSize
	single := p.features&ioringFeatSingleMmap != 0
	if single {
		sqSize = max(sqSize, cqSize)
	}
	var err error
	prot, flags := unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE
	if r.sqMem, err = unix.Mmap(r.fd, ioringOffSQRing, sqSize, prot, flags); err != nil {
		return fmt.Errorf("io_uring mmap: %w", err)
	}
	cq := r.sqMem
	if !single {
		if r.cqMem, err = unix.Mmap(r.fd, ioringOffCQRing, cqSize, prot, flags); err != nil {
			return fmt.Errorf("io_uring mmap: %w", err)
		}
		cq = r.cqMem
	}
	if r.sqeMem, err = unix.Mmap(r.fd, ioringOffSQEs, int(p.sqEntries)*sqeSize, prot, flags); err != nil {
		return fmt.Errorf("io_uring mmap: %w", err)
	}
	r.sqTail = (*uint32)(unsafe.Pointer(&r.sqMem[p.sqOff.tail]))
	r.sqMask = (*uint32)(unsafe.Pointer(&r.sqMem[p.sqOff.ringMask]))
	r.sqArray = unsafe.Pointer(&r.sqMem[p.sqOff.array])
	r.cqHead = (*uint32)(unsafe.Pointer(&cq[p.cqOff.head]))
	r.cqTail = (*uint32)(unsafe.Pointer(&cq[p.cqOff.tail]))
	r.cqMask = *(*uint32)(unsafe.Pointer(&cq[p.cqOff.ringMask]))
	r.cqes = unsafe.Pointer(&cq[p.cqOff.cqes])

	efd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return fmt.Errorf("eventfd: %w", err)
	}
	r.evfd = os.NewFile(uintptr(efd), "io_uring eventfd")
	e := int32(efd)
	if _, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), ioringRegisterEvfd, uintptr(unsafe.Pointer(&e)), 1, 0, 0); errno != 0 {
		return fmt.Errorf("io_uring_register eventfd: %w", errno)
	}
	return nil
}

// errRing reports that the ring itself failed, so nothing is known about
// the fsync: the caller syncs another way.
var errRing = errors.New("durable: io_uring failed")

// datasync fdatasyncs the file and returns the fsync's own error, or an
// error wrapping errRing if the ring could not run or report it.
func (r *ring) datasync() error {
	r.seq++
	*(*submission)(unsafe.Pointer(&r.sqeMem[0])) = submission{
		opcode:     ioringOpFsync,
		fd:         int32(r.file.Fd()),
		fsyncFlags: ioringFsyncDatasync,
		userData:   r.seq,
	}
	tail := atomic.LoadUint32(r.sqTail)
	*(*uint32)(unsafe.Add(r.sqArray, 4*(tail&atomic.LoadUint32(r.sqMask)))) = 0
	atomic.StoreUint32(r.sqTail, tail+1) // publishes the entry to the kernel
	for {
		n, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), 1, 0, 0, 0, 0)
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 || n != 1 {
			return fmt.Errorf("%w: io_uring_enter: submitted %d: %v", errRing, n, errno)
		}
		break
	}
	var buf [8]byte
	for {
		if res, ok := r.reap(); ok {
			switch {
			case res == -int32(unix.EINTR) || res == -int32(unix.EAGAIN):
				// fdatasync(2) would be retried; so is this one, by the caller.
				return fmt.Errorf("%w: fsync: %v", errRing, unix.Errno(-res))
			case res < 0:
				return unix.Errno(-res)
			}
			return nil
		}
		// The kernel posts a completion before it signals the eventfd. The
		// deadline only makes the wait look at the queue again now and then,
		// should a signal ever go missing; a slow fsync is waited for.
		if err := r.evfd.SetReadDeadline(time.Now().Add(recheck)); err != nil {
			return fmt.Errorf("%w: waiting for completion: %v", errRing, err)
		}
		if _, err := io.ReadFull(r.evfd, buf[:]); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("%w: waiting for completion: %v", errRing, err)
		}
	}
}

// recheck is how long the committer waits for a completion's signal before
// it looks at the completion queue again.
const recheck = 100 * time.Millisecond

// reap consumes the completions posted so far and reports the result of
// the last submission if it was among them.
func (r *ring) reap() (res int32, ok bool) {
	head := atomic.LoadUint32(r.cqHead)
	tail := atomic.LoadUint32(r.cqTail)
	for ; head != tail; head++ {
		cqe := unsafe.Add(r.cqes, cqeSize*uintptr(head&r.cqMask))
		if *(*uint64)(cqe) == r.seq {
			res, ok = *(*int32)(unsafe.Add(cqe, 8)), true
		}
	}
	atomic.StoreUint32(r.cqHead, head)
	return res, ok
}

// close releases the ring and its descriptor of the file. An fsync still
// running in the kernel (after a failure of the ring) finishes on its own.
func (r *ring) close() {
	for _, m := range [][]byte{r.sqeMem, r.cqMem, r.sqMem} {
		if m != nil {
			unix.Munmap(m)
		}
	}
	if r.evfd != nil {
		r.evfd.Close()
	}
	unix.Close(r.fd)
	r.file.Close()
}
