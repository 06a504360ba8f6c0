package bert

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// The tags of the External Term Format that this codec reads.
const (
	tagVersion     = 131
	tagCompressed  = 80
	tagNewFloat    = 70
	tagBitBinary   = 77
	tagSmallInt    = 97
	tagInt         = 98
	tagFloat       = 99
	tagAtom        = 100
	tagSmallTuple  = 104
	tagLargeTuple  = 105
	tagNil         = 106
	tagString      = 107
	tagList        = 108
	tagBinary      = 109
	tagSmallBig    = 110
	tagLargeBig    = 111
	tagSmallAtom   = 115
	tagMap         = 116
	tagAtomUTF8    = 118
	tagSmallAtomU8 = 119
)

const (
	maxAtomChars       = 255 // Erlang's limit
	defaultMaxDepth    = 512
	defaultMaxInflated = 1 << 20
	// zlib cannot inflate one byte to more than about 1032: a larger claim
	// is a lie, refused before anything is allocated for it.
	maxInflateRatio = 1032
)

// Decoder decodes BERT frames. Its zero value is ready to use.
//
// Decoding is two passes over the input: the first checks every length and
// tag and counts the terms, the second builds them in one allocation. So
// a hostile frame is refused before anything is allocated for it, and no
// frame allocates more than one Term (64 bytes) per byte of input.
type Decoder struct {
	// MaxDepth bounds how deeply tuples, lists and maps may nest.
	// Zero means 512.
	MaxDepth int
	// MaxInflated bounds the inflated size of a compressed term (tag 80).
	// Zero means 1 MiB; a negative value refuses compressed terms.
	MaxInflated int
	// MaxMemory bounds the memory a decoded term takes, in bytes: its
	// terms (TermSize each; a byte of input can make one, so a list of
	// empty lists takes 24 times its input) and a compressed term's
	// inflated copy. The first pass counts them, so a term over the
	// budget is refused before it is built. Zero means no bound but the
	// input's.
	MaxMemory int
}

// TermSize is the memory one decoded term takes, in bytes: what
// Decoder.MaxMemory counts per term.
const TermSize = int(unsafe.Sizeof(Term{}))

// Decode decodes one whole frame: the version byte 131, then one term.
// The result shares memory with data (see Term).
func Decode(data []byte) (Term, error) { return Decoder{}.Decode(data) }

// Decode decodes one whole frame: the version byte 131, then one term, and
// nothing after it. The result shares memory with data (see Term).
func (dc Decoder) Decode(data []byte) (Term, error) {
	if len(data) == 0 || data[0] != tagVersion {
		return Term{}, &DecodeError{Offset: 0, Err: ErrVersion}
	}
	if len(data) > 1 && data[1] == tagCompressed {
		inflated, err := dc.inflate(data)
		if err != nil {
			return Term{}, err
		}
		if dc.MaxMemory > 0 {
			dc.MaxMemory -= len(inflated)
			if dc.MaxMemory <= 0 {
				return Term{}, &DecodeError{Offset: 1, Tag: tagCompressed, Err: ErrMemory,
					Detail: "inflated " + strconv.Itoa(len(inflated)) + " bytes"}
			}
		}
		return dc.decodeTerm(inflated, 1)
	}
	return dc.decodeTerm(data, 1)
}

func (dc Decoder) decodeTerm(data []byte, start int) (Term, error) {
	d := decoder{data: data, pos: start, maxDepth: dc.MaxDepth}
	if d.maxDepth <= 0 {
		d.maxDepth = defaultMaxDepth
	}
	if dc.MaxMemory > 0 {
		d.bounded, d.maxCount = true, dc.MaxMemory/TermSize
	}
	if err := d.skip(0); err != nil {
		return Term{}, err
	}
	if d.pos != len(data) {
		return Term{}, &DecodeError{Offset: d.pos, Err: ErrTrailing, Detail: strconv.Itoa(len(data)-d.pos) + " bytes left"}
	}
	if dc.MaxMemory > 0 && d.count > dc.MaxMemory/TermSize {
		return Term{}, &DecodeError{Offset: start, Err: ErrMemory,
			Detail: strconv.Itoa(d.count) + " terms take " + strconv.Itoa(d.count*TermSize) + " bytes, over " + strconv.Itoa(dc.MaxMemory)}
	}
	if d.count > 0 {
		d.slab = make([]Term, d.count)
	}
	d.pos = start
	var t Term
	d.read(&t)
	if d.err != nil {
		return Term{}, d.err
	}
	return t, nil
}

// inflate returns the term inside a compressed frame (131, 80, size, zlib).
func (dc Decoder) inflate(data []byte) ([]byte, error) {
	limit := dc.MaxInflated
	if limit == 0 {
		limit = defaultMaxInflated
	}
	if limit < 0 {
		return nil, &DecodeError{Offset: 1, Tag: tagCompressed, Err: ErrCompressed}
	}
	if len(data) < 6 {
		return nil, &DecodeError{Offset: 1, Tag: tagCompressed, Err: ErrTruncated}
	}
	size := int64(binary.BigEndian.Uint32(data[2:]))
	z := data[6:]
	switch {
	case size > int64(limit):
		return nil, &DecodeError{Offset: 2, Tag: tagCompressed, Err: ErrCompressed,
			Detail: "inflated size " + strconv.FormatInt(size, 10) + " is over the limit of " + strconv.Itoa(limit)}
	case size > int64(len(z))*maxInflateRatio+64:
		return nil, &DecodeError{Offset: 2, Tag: tagCompressed, Err: ErrInvalid, Detail: "inflated size larger than zlib can produce"}
	case size == 0:
		return nil, &DecodeError{Offset: 2, Tag: tagCompressed, Err: ErrInvalid, Detail: "empty compressed term"}
	case len(z) < 2 || z[0]&0x0f != 8 || (uint16(z[0])<<8|uint16(z[1]))%31 != 0:
		return nil, &DecodeError{Offset: 6, Tag: tagCompressed, Err: ErrInvalid, Detail: "not zlib data"}
	}
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, &DecodeError{Offset: 6, Tag: tagCompressed, Err: ErrInvalid, Detail: err.Error()}
	}
	out := make([]byte, size+1)
	out[0] = tagVersion
	if _, err := io.ReadFull(r, out[1:]); err != nil {
		return nil, &DecodeError{Offset: 6, Tag: tagCompressed, Err: ErrInvalid, Detail: "zlib: " + err.Error()}
	}
	// The stream must end exactly where the size said.
	var extra [1]byte
	if n, _ := r.Read(extra[:]); n != 0 {
		return nil, &DecodeError{Offset: 6, Tag: tagCompressed, Err: ErrInvalid, Detail: "inflates to more than its size"}
	}
	return out, nil
}

type decoder struct {
	data     []byte
	pos      int
	maxDepth int
	count    int  // slab slots the first pass found
	bounded  bool // by MaxMemory: the first pass stops past maxCount
	maxCount int
	slab     []Term // the second pass's store of tuple, list and map elements
	// The shape of each list, in the order both passes meet them: the
	// first few in an array, so that a frame of few lists allocates for
	// none (a slice stored through d would escape to the heap).
	shapes [4]int
	more   []int
	nlists int
	next   int   // the next shape for the second pass
	err    error // what the second pass found wrong (a map's repeated key)
}

// A list's shape, found by the first pass: its slots (elements, joined
// over tails that are lists, plus an improper tail) shifted left by 2,
// or'ed with one of these.
const (
	listProper   = 0
	listImproper = 1
	listBare     = 2 // no element at all: the term is the tail itself
)

func (d *decoder) fail(err error, tag byte, at int, detail string) error {
	return &DecodeError{Offset: at, Tag: tag, Err: err, Detail: detail}
}

// overBudget refuses a term at the header of a tuple, list or map whose
// elements alone pass the memory budget: a hostile frame of a million
// elements costs no walk over them.
func (d *decoder) overBudget(tag byte, at int) error {
	return &DecodeError{Offset: at, Tag: tag, Err: ErrMemory,
		Detail: "over " + strconv.Itoa(d.maxCount) + " terms (" + strconv.Itoa(d.maxCount*TermSize) + " bytes)"}
}

// skip is the first pass: it checks one term and counts its slab slots.
// It reads through locals rather than d's fields: it is the hot loop.
func (d *decoder) skip(depth int) error {
	data, at := d.data, d.pos
	if at >= len(data) {
		return d.fail(ErrTruncated, 0, at, "")
	}
	tag := data[at]
	pos := at + 1
	rest := len(data) - pos
	var n int // bytes to step over after the header
	switch tag {
	case tagSmallInt:
		n = 1
	case tagInt:
		n = 4
	case tagNewFloat:
		if rest < 8 {
			return d.fail(ErrTruncated, tag, at, "")
		}
		f := math.Float64frombits(binary.BigEndian.Uint64(data[pos:]))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return d.fail(ErrInvalid, tag, at, "not a finite float")
		}
		n = 8
	case tagFloat:
		if rest < 31 {
			return d.fail(ErrTruncated, tag, at, "")
		}
		if _, ok := parseFloatText(data[pos : pos+31]); !ok {
			return d.fail(ErrInvalid, tag, at, "bad float text")
		}
		n = 31
	case tagSmallAtom, tagSmallAtomU8, tagAtom, tagAtomUTF8, tagString, tagBinary, tagSmallBig, tagLargeBig, tagBitBinary:
		size := sizeOf(tag)
		if rest < size {
			return d.fail(ErrTruncated, tag, at, "")
		}
		n = d.readAt(pos, size)
		pos += size
		switch tag {
		case tagSmallBig, tagLargeBig, tagBitBinary:
			if pos >= len(data) {
				return d.fail(ErrTruncated, tag, at, "")
			}
			b := int(data[pos])
			pos++
			if tag == tagBitBinary && (b > 8 || (b == 0) != (n == 0)) {
				return d.fail(ErrInvalid, tag, at, "bad bit count "+strconv.Itoa(b))
			}
		}
		if n > len(data)-pos {
			return d.fail(ErrTruncated, tag, at, "")
		}
		switch tag {
		case tagAtomUTF8, tagSmallAtomU8:
			if !validUTF8(data[pos : pos+n]) {
				return d.fail(ErrInvalid, tag, at, "atom is not UTF-8")
			}
			if n > maxAtomChars && utf8.RuneCount(data[pos:pos+n]) > maxAtomChars {
				return d.fail(ErrInvalid, tag, at, "atom longer than 255 characters")
			}
		case tagAtom:
			if n > maxAtomChars && (!validUTF8(data[pos:pos+n]) || utf8.RuneCount(data[pos:pos+n]) > maxAtomChars) {
				return d.fail(ErrInvalid, tag, at, "atom longer than 255 characters")
			}
		}
	case tagNil:
	case tagSmallTuple, tagLargeTuple, tagList, tagMap:
		size := sizeOf(tag)
		if rest < size {
			return d.fail(ErrTruncated, tag, at, "")
		}
		n := d.readAt(pos, size)
		d.pos = pos + size
		switch {
		case tag == tagMap:
			if n > (len(data)-d.pos)/2 {
				return d.fail(ErrTruncated, tag, at, "map size past the end")
			}
			return d.skipElems(2*n, 0, depth, tag, at)
		case tag == tagList:
			return d.skipList(n, depth, at)
		}
		return d.skipElems(n, 0, depth, tag, at)
	default:
		return d.fail(ErrTag, tag, at, "")
	}
	if n > len(data)-pos {
		return d.fail(ErrTruncated, tag, at, "")
	}
	d.pos = pos + n
	return nil
}

// readAt reads a big-endian length of size 1, 2 or 4 bytes at pos.
func (d *decoder) readAt(pos, size int) int {
	switch size {
	case 1:
		return int(d.data[pos])
	case 2:
		return int(binary.BigEndian.Uint16(d.data[pos:]))
	}
	v := binary.BigEndian.Uint32(d.data[pos:])
	if v > math.MaxInt32 {
		// Past what any frame holds, so a length check refuses it; and
		// an int on a 32-bit machine cannot turn it negative.
		return math.MaxInt32
	}
	return int(v)
}

// skipList checks a list whose first cell holds n elements. A tail that
// is itself a list is joined to it, as Erlang does ([a|[b|[c]]] is
// [a,b,c]), in a loop: a chain of tails costs neither stack nor copies.
func (d *decoder) skipList(n, depth, at int) error {
	if depth >= d.maxDepth {
		return d.fail(ErrDepth, tagList, at, "deeper than "+strconv.Itoa(d.maxDepth))
	}
	shape := d.nlists
	d.nlists++
	if shape >= len(d.shapes) {
		d.more = append(d.more, 0)
	}
	total := 0
	for {
		if n > len(d.data)-d.pos-1 { // every element and the tail take a byte
			return d.fail(ErrTruncated, tagList, at, "count past the end")
		}
		if d.bounded && d.count+total+n > d.maxCount {
			return d.overBudget(tagList, at)
		}
		for i := 0; i < n; i++ {
			if err := d.skip(depth + 1); err != nil {
				return err
			}
		}
		total += n
		tailAt := d.pos
		if tailAt >= len(d.data) {
			return d.fail(ErrTruncated, tagList, at, "no tail")
		}
		switch d.data[d.pos] {
		case tagList:
			if len(d.data)-d.pos < 5 {
				return d.fail(ErrTruncated, tagList, tailAt, "")
			}
			n = d.readAt(d.pos+1, 4)
			d.pos += 5
			continue
		case tagNil:
			d.pos++
			d.setShape(shape, total<<2|listProper)
			if total == 0 {
				d.setShape(shape, listBare)
			}
		case tagString:
			if total == 0 {
				d.setShape(shape, listBare)
				return d.skip(depth + 1)
			}
			if len(d.data)-d.pos < 3 {
				return d.fail(ErrTruncated, tagString, tailAt, "")
			}
			m := d.readAt(d.pos+1, 2)
			if m > len(d.data)-d.pos-3 {
				return d.fail(ErrTruncated, tagString, tailAt, "")
			}
			d.pos += 3 + m
			total += m
			d.setShape(shape, total<<2|listProper)
		default:
			if total == 0 {
				d.setShape(shape, listBare)
				return d.skip(depth + 1)
			}
			if err := d.skip(depth + 1); err != nil {
				return err
			}
			total++
			d.setShape(shape, total<<2|listImproper)
		}
		d.count += total
		return nil
	}
}

func (d *decoder) setShape(i, shape int) {
	if i < len(d.shapes) {
		d.shapes[i] = shape
	} else {
		d.more[i-len(d.shapes)] = shape
	}
}

func (d *decoder) shape(i int) int {
	if i < len(d.shapes) {
		return d.shapes[i]
	}
	return d.more[i-len(d.shapes)]
}

// skipElems checks n elements plus extra trailing terms (a list's tail),
// which take no slot of their own.
func (d *decoder) skipElems(n, extra, depth int, tag byte, at int) error {
	if n+extra > len(d.data)-d.pos { // every term takes at least one byte
		return d.fail(ErrTruncated, tag, at, "count past the end")
	}
	if n+extra > 0 && depth >= d.maxDepth {
		return d.fail(ErrDepth, tag, at, "deeper than "+strconv.Itoa(d.maxDepth))
	}
	d.count += n
	if d.bounded && d.count > d.maxCount {
		return d.overBudget(tag, at)
	}
	data := d.data
	for i := 0; i < n+extra; i++ {
		// The commonest elements, stepped over here without a call.
		if pos := d.pos; pos+5 <= len(data) {
			switch data[pos] {
			case tagSmallInt:
				d.pos = pos + 2
				continue
			case tagNil:
				d.pos = pos + 1
				continue
			case tagBinary:
				if m := d.readAt(pos+1, 4); m <= len(data)-pos-5 {
					d.pos = pos + 5 + m
					continue
				}
			}
		}
		if err := d.skip(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

// read is the second pass: it builds the term the first pass checked.
func (d *decoder) read(out *Term) {
	tag := d.data[d.pos]
	d.pos++
	switch tag {
	case tagSmallInt:
		*out = Int(int64(d.data[d.pos]))
		d.pos++
	case tagInt:
		*out = Int(int64(int32(binary.BigEndian.Uint32(d.data[d.pos:]))))
		d.pos += 4
	case tagNewFloat:
		*out = Term{kind: KindFloat, n: int64(binary.BigEndian.Uint64(d.data[d.pos:]))}
		d.pos += 8
	case tagFloat:
		f, _ := parseFloatText(d.data[d.pos : d.pos+31])
		*out = Float(f)
		d.pos += 31
	case tagAtom, tagSmallAtom:
		n := d.readN(sizeOf(tag))
		*out = Atom(latin1OrUTF8(d.take(n)))
	case tagAtomUTF8, tagSmallAtomU8:
		n := d.readN(sizeOf(tag))
		*out = Atom(intern(d.take(n)))
	case tagBinary:
		n := d.readN(4)
		*out = bytesTerm(KindBinary, d.take(n))
	case tagBitBinary:
		n := int(binary.BigEndian.Uint32(d.data[d.pos:]))
		bits := int(d.data[d.pos+4])
		d.pos += 5
		b := d.take(n)
		if n > 0 && bits < 8 {
			if mask := byte(0xff) >> bits; b[n-1]&mask != 0 {
				// Unused low bits are not part of the value: clear them
				// in a copy, never in the caller's buffer.
				b = append([]byte(nil), b...)
				b[n-1] &^= mask
			}
		}
		*out = BitBinary(b, bits)
	case tagString:
		n := d.readN(2)
		*out = bytesTerm(KindByteList, d.take(n))
	case tagNil:
		*out = Term{}
	case tagSmallBig, tagLargeBig:
		n := d.readN(sizeOf(tag))
		neg := d.data[d.pos] != 0 // Erlang reads any non-zero sign as negative
		d.pos++
		*out = bigTerm(d.take(n), neg)
	case tagSmallTuple, tagLargeTuple:
		n := d.readN(sizeOf(tag))
		elems := d.alloc(n)
		for i := range elems {
			d.read(&elems[i])
		}
		*out = termsTerm(KindTuple, 0, elems)
	case tagList:
		shape := d.shape(d.next)
		d.next++
		n := d.readN(4)
		if shape == listBare {
			for d.data[d.pos] == tagList { // empty cells before the tail
				d.pos += 5
			}
			d.read(out)
			return
		}
		elems := d.alloc(shape >> 2)
		i := 0
		for {
			for ; n > 0; n-- {
				d.read(&elems[i])
				i++
			}
			tag := d.data[d.pos]
			d.pos++
			switch tag {
			case tagList:
				n = d.readN(4)
				continue
			case tagNil:
			case tagString:
				for _, c := range d.take(d.readN(2)) {
					elems[i] = Int(int64(c))
					i++
				}
			default:
				d.pos--
				d.read(&elems[i])
				*out = termsTerm(KindList, 1, elems)
				return
			}
			*out = termsTerm(KindList, 0, elems)
			return
		}
	case tagMap:
		n := d.readN(4)
		at := d.pos - 5
		elems := d.alloc(2 * n)
		for i := range elems {
			d.read(&elems[i])
		}
		if n > 1 && d.err == nil && hasRepeatedKey(elems) {
			d.err = d.fail(ErrInvalid, tagMap, at, "a key appears twice")
		}
		*out = termsTerm(KindMap, 0, elems)
	}
}

// readN reads a length of size 1, 2 or 4 bytes that the first pass checked.
func (d *decoder) readN(size int) int {
	n := d.readAt(d.pos, size)
	d.pos += size
	return n
}

// sizeOf returns the size of the length field that follows tag.
func sizeOf(tag byte) int {
	switch tag {
	case tagSmallAtom, tagSmallAtomU8, tagSmallTuple, tagSmallBig:
		return 1
	case tagAtom, tagAtomUTF8, tagString:
		return 2
	}
	return 4
}

func (d *decoder) take(n int) []byte {
	b := d.data[d.pos : d.pos+n : d.pos+n]
	d.pos += n
	return b
}

func (d *decoder) alloc(n int) []Term {
	s := d.slab[:n:n]
	d.slab = d.slab[n:]
	return s
}

// bigTerm builds an integer from a little-endian magnitude, as an Int when
// it fits in an int64.
func bigTerm(mag []byte, neg bool) Term {
	for len(mag) > 0 && mag[len(mag)-1] == 0 {
		mag = mag[:len(mag)-1]
	}
	if len(mag) <= 8 {
		var u uint64
		for i := len(mag) - 1; i >= 0; i-- {
			u = u<<8 | uint64(mag[i])
		}
		switch {
		case !neg && u <= math.MaxInt64:
			return Int(int64(u))
		case neg && u <= 1<<63:
			return Int(int64(-u))
		}
	}
	t := bytesTerm(KindBigInt, mag)
	if neg {
		t.bits = 1
	}
	return t
}

// latin1OrUTF8 reads the name of an ATOM_EXT or SMALL_ATOM_EXT. Erlang
// writes Latin-1 there, N2O's browser client writes UTF-8: text that is
// valid UTF-8 is taken as UTF-8, anything else as Latin-1.
func latin1OrUTF8(b []byte) string {
	if validUTF8(b) {
		return intern(b)
	}
	buf := make([]byte, 0, 2*len(b))
	for _, c := range b {
		buf = utf8.AppendRune(buf, rune(c))
	}
	return intern(buf)
}

// parseFloatText reads FLOAT_EXT's 31 bytes of "%.20e" text, NUL padded.
func parseFloatText(b []byte) (float64, bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(b)), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// validUTF8 is utf8.Valid with a quicker path for the short ASCII names
// that most atoms have.
func validUTF8(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return utf8.Valid(b)
		}
	}
	return true
}
