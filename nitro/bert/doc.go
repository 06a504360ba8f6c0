// Package bert reads and writes Erlang's External Term Format (BERT), the
// encoding of every binary frame of the N2O protocol.
//
// It imports the standard library only. Decoding is exact (it agrees with
// Erlang/OTP's binary_to_term on the vectors in testdata/etf, which OTP
// itself produced) and safe on hostile input: it never panics, checks
// every length against the bytes that are really there before allocating,
// bounds nesting depth and the inflated size of compressed terms, and
// allocates at most one 24-byte Term per input byte, in a single
// allocation.
//
// # Terms
//
// A [Term] is a small value holding any Erlang term. Build one with the
// constructors and take one apart with its methods:
//
//	reply := bert.Tuple(bert.Atom("io"), bert.BinString(js), bert.Bin(nil))
//	buf = bert.Append(buf[:0], reply) // {io, <<"...">>, <<>>}
//
//	t, err := bert.Decode(frame)
//	if t.Is("pickle", 4) { // {pickle, Id, Pickle, Linked}
//		id, pickle, linked := t.At(1).Bytes(), t.At(2).Bytes(), t.At(3)
//		msg, _ := linked.Get(bert.Atom("message"))
//	}
//
// The zero Term is the empty list [], N2O's default for a record field.
// A decoded Term shares memory with its input: its bytes are read-only,
// and Clone copies a term that must outlive the buffer.
//
// # Go and Erlang
//
//	Erlang                     Term kind       constructor        plain Go value (Marshal/Unmarshal)
//	atom                       KindAtom        Atom(name)         bool (true/false); nil pointer as undefined
//	<<"binary">>               KindBinary      Bin, BinString     string, []byte
//	"string" (byte list)       KindByteList    ByteList(b)        string, []byte (decoding only)
//	<<1:3>> (bitstring)        KindBitBinary   BitBinary(b, n)    -
//	integer (int64 range)      KindInt         Int(i)             int, int8..int64, uint..uint64
//	integer (any size)         KindBigInt      BigInt(x)          *big.Int, big.Int, uint64
//	float                      KindFloat       Float(f)           float32, float64
//	{tuple}                    KindTuple       Tuple(...)         struct (a record: {tag, Field1, ...}), array
//	[list] and [H|T]           KindList        List, ImproperList slice, array
//	#{map}                     KindMap         Map(k, v, ...)     map
//
// A byte list compares equal (Equal) to the list of small integers it
// stands for, as in Erlang. Decoding ATOM_EXT accepts both Latin-1 (what
// Erlang writes) and UTF-8 (what N2O's browser client writes); big
// integers that fit in an int64 decode as KindInt.
//
// # Encoding
//
// Append writes text as BINARY, atoms as SMALL_ATOM_UTF8 or ATOM_UTF8,
// integers in their smallest form (SMALL_INTEGER, INTEGER, SMALL_BIG,
// LARGE_BIG), floats as NEW_FLOAT, and never compresses. It appends to a
// caller's buffer, so a reused buffer encodes without allocating.
//
// # Concurrency
//
// Terms are values; the package holds no state but a bounded cache of atom
// names, safe for concurrent use. Decoders are values and may be shared.
package bert
