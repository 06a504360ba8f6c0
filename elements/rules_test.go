package elements_test

import (
	"strings"
	"testing"

	. "github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro/bert"
)

// ruleTerm is a sealed rule in its documented form:
// {Id, Kind, Required, MinLen, MaxLen, Pattern, Min, Max, Message}.
func ruleTerm(id, kind string, r Rule) bert.Term {
	bound := func(f *float64) bert.Term {
		if f == nil {
			return bert.Atom("undefined")
		}
		return bert.Float(*f)
	}
	return bert.Tuple(bert.BinString(id), bert.Atom(kind), bert.Bool(r.Required), bert.Int(int64(r.MinLen)),
		bert.Int(int64(r.MaxLen)), bert.BinString(r.Pattern), bound(r.Min), bound(r.Max), bert.BinString(r.Message))
}

func checked(rules ...bert.Term) bert.Term {
	return bert.Tuple(bert.Atom("$nitro_checked"), bert.Atom("msg"), bert.List(rules...))
}

func TestCheckPostback(t *testing.T) {
	huge := strings.Repeat("é", 1<<19) // 1 MiB
	bin := bert.BinString
	tests := []struct {
		name  string
		kind  string
		rule  Rule
		value bert.Term // nil map entry when zero and missing is set
		miss  bool      // the field is missing from the postback
		want  string    // "" for no problem, else a substring of the message
	}{
		{"required given", "text", Rule{Required: true}, bin("x"), false, ""},
		{"required empty", "text", Rule{Required: true}, bin(""), false, "required"},
		{"required missing", "text", Rule{Required: true}, bert.Term{}, true, "required"},
		{"optional empty skips other rules", "text", Rule{MinLen: 3, Pattern: "[0-9]+"}, bin(""), false, ""},
		{"optional missing", "text", Rule{MinLen: 3}, bert.Term{}, true, ""},
		{"minlen counts characters", "text", Rule{MinLen: 3}, bin("日本"), false, "at least 3"},
		{"minlen met", "text", Rule{MinLen: 3}, bin("日本語"), false, ""},
		{"maxlen counts characters", "text", Rule{MaxLen: 3}, bin("日本語"), false, ""},
		{"maxlen exceeded", "text", Rule{MaxLen: 3}, bin("abcd"), false, "at most 3"},
		{"huge value", "text", Rule{MaxLen: 100}, bin(huge), false, "at most 100"},
		{"huge value within", "text", Rule{MaxLen: 1 << 20}, bin(huge), false, ""},
		{"huge value pattern", "text", Rule{Pattern: "é*"}, bin(huge), false, ""},
		{"invalid utf-8", "text", Rule{MaxLen: 10}, bin("a\xffb"), false, "not valid"},
		{"invalid utf-8 required", "text", Rule{Required: true}, bin("\xc3"), false, "not valid"},
		{"pattern match", "text", Rule{Pattern: "[a-z]+"}, bin("abc"), false, ""},
		{"pattern anchored", "text", Rule{Pattern: "[a-z]+"}, bin("abc1"), false, "format"},
		{"pattern anchored alternation", "text", Rule{Pattern: "a|b"}, bin("ab"), false, "format"},
		{"pattern cannot break out", "text", Rule{Pattern: "a)|(b"}, bin("a"), false, "cannot be checked"},
		{"pattern does not compile", "text", Rule{Pattern: "(?<=x)y"}, bin("xy"), false, "cannot be checked"},
		{"pattern does not compile, own message", "text", Rule{Pattern: "[", Message: "custom"}, bin("x"), false, "cannot be checked"},
		{"message replaces", "text", Rule{Required: true, Message: "Say something"}, bin(""), false, "Say something"},
		{"byte list value", "text", Rule{MaxLen: 2}, bert.ByteList([]byte("abc")), false, "at most 2"},
		{"atom value from select", "text", Rule{Pattern: "true"}, bert.Atom("true"), false, ""},
		{"integer value", "text", Rule{MaxLen: 2}, bert.Int(7), false, "not valid"},
		{"tuple value", "text", Rule{Required: true}, bert.Tuple(bin("x")), false, "not valid"},
		{"email ok", "email", Rule{}, bin("ann@example.com"), false, ""},
		{"email bad", "email", Rule{}, bin("ann@"), false, "email"},
		{"email with markup", "email", Rule{}, bin(`"><script>@x.y`), false, "email"},
		{"email empty", "email", Rule{}, bin(""), false, ""},
		{"number ok", "number", Rule{}, bin("-1.5e3"), false, ""},
		{"number leading dot", "number", Rule{}, bin(".5"), false, ""},
		{"number NaN", "number", Rule{}, bin("NaN"), false, "number"},
		{"number Inf", "number", Rule{}, bin("Inf"), false, "number"},
		{"number hex", "number", Rule{}, bin("0x10"), false, "number"},
		{"number space", "number", Rule{}, bin(" 1"), false, "number"},
		{"number trailing dot", "number", Rule{}, bin("1."), false, "number"},
		{"number underscore", "number", Rule{}, bin("1_000"), false, "number"},
		{"number overflow", "number", Rule{}, bin("1e999"), false, "number"},
		{"number below min", "number", Rule{Min: f64(18)}, bin("17.9"), false, "no less than 18"},
		{"number above max", "number", Rule{Max: f64(1.5)}, bin("2"), false, "no greater than 1.5"},
		{"number in range", "number", Rule{Min: f64(0), Max: f64(10)}, bin("10"), false, ""},
		{"min on text makes it numeric", "text", Rule{Min: f64(0)}, bin("abc"), false, "number"},
		{"checkbox required checked", "check", Rule{Required: true}, bin("true"), false, ""},
		{"checkbox required unchecked", "check", Rule{Required: true}, bin("false"), false, "required"},
		{"checkbox required missing", "check", Rule{Required: true}, bert.Term{}, true, "required"},
		{"checkbox garbage", "check", Rule{Required: true}, bin("yes"), false, "not valid"},
		{"checkbox atom", "check", Rule{Required: true}, bert.Atom("true"), false, ""},
		{"date tuple", "date", Rule{Required: true}, bert.Tuple(bert.Int(2024), bert.Int(2), bert.Int(29)), false, ""},
		{"date text", "date", Rule{Required: true}, bin("2024-02-29"), false, ""},
		{"date empty", "date", Rule{Required: true}, bin(""), false, "date"},
		{"date bad month", "date", Rule{Required: true}, bert.Tuple(bert.Int(2024), bert.Int(13), bert.Int(1)), false, "date"},
		{"date floats", "date", Rule{Required: true}, bert.Tuple(bert.Float(2024), bert.Int(1), bert.Int(1)), false, "date"},
		{"date optional garbage", "date", Rule{}, bert.Int(3), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := checked(ruleTerm("f", tt.kind, tt.rule))
			q := func(k string) bert.Term {
				if k != "f" || tt.miss {
					return bert.Nil()
				}
				return tt.value
			}
			inner, problems := CheckPostback(msg, q)
			if !inner.Equal(bert.Atom("msg")) {
				t.Errorf("inner: got %v, want msg", inner)
			}
			got := problems["f"]
			switch {
			case tt.want == "" && problems != nil:
				t.Errorf("got problems %v, want none", problems)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Errorf("got problem %q (%v), want one saying %q", got, problems, tt.want)
			}
		})
	}
}

func TestCheckPostbackMalformed(t *testing.T) {
	good := ruleTerm("ok", "text", Rule{Required: true})
	tests := []struct {
		name string
		msg  bert.Term
	}{
		{"rules not a list", bert.Tuple(bert.Atom("$nitro_checked"), bert.Atom("m"), bert.Atom("x"))},
		{"improper list", bert.Tuple(bert.Atom("$nitro_checked"), bert.Atom("m"), bert.ImproperList(bert.Atom("t"), good))},
		{"rule not a tuple", checked(good, bert.Atom("rule"))},
		{"short tuple", checked(good, bert.Tuple(bert.BinString("a"), bert.Atom("text")))},
		{"id not binary", checked(good, bert.Tuple(bert.Atom("a"), bert.Atom("text"), bert.Bool(true), bert.Int(0), bert.Int(0),
			bert.BinString(""), bert.Atom("undefined"), bert.Atom("undefined"), bert.BinString("")))},
		{"unknown kind", checked(good, ruleTerm("a", "color", Rule{}))},
		{"negative minlen", checked(good, ruleTerm("a", "text", Rule{MinLen: -1}))},
		{"required not bool", checked(good, bert.Tuple(bert.BinString("a"), bert.Atom("text"), bert.Int(1), bert.Int(0), bert.Int(0),
			bert.BinString(""), bert.Atom("undefined"), bert.Atom("undefined"), bert.BinString("")))},
		{"bound not a number", checked(good, bert.Tuple(bert.BinString("a"), bert.Atom("text"), bert.Bool(false), bert.Int(0), bert.Int(0),
			bert.BinString(""), bert.BinString("1"), bert.Atom("undefined"), bert.BinString("")))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner, problems := CheckPostback(tt.msg, func(string) bert.Term { return bert.BinString("v") })
			if !inner.Equal(bert.Atom("m")) && !inner.Equal(bert.Atom("msg")) {
				t.Errorf("inner: got %v", inner)
			}
			if problems[""] == "" {
				t.Errorf("got problems %v, want one under \"\"", problems)
			}
		})
	}
}

func TestCheckPostbackPlain(t *testing.T) {
	for _, msg := range []bert.Term{bert.Atom("save"), bert.Nil(), bert.Tuple(bert.Atom("$nitro_checked"), bert.Atom("x")),
		bert.Tuple(bert.Atom("other"), bert.Atom("a"), bert.Nil())} {
		inner, problems := CheckPostback(msg, nil)
		if !inner.Equal(msg) || problems != nil {
			t.Errorf("CheckPostback(%v): got %v, %v; want it unchanged, no problems", msg, inner, problems)
		}
	}
}

func TestWrapPostback(t *testing.T) {
	msg := bert.Tuple(bert.Atom("save"), bert.Int(1))
	if got := WrapPostback(msg, nil); !got.Equal(msg) {
		t.Errorf("no rules: got %v, want %v", got, msg)
	}
	w := WrapPostback(msg, map[string]Rule{"b": {MaxLen: 2}, "a": {Required: true}})
	want := checked(ruleTerm("a", "text", Rule{Required: true}), ruleTerm("b", "text", Rule{MaxLen: 2}))
	want = bert.Tuple(want.At(0), msg, want.At(2))
	if !w.Equal(want) {
		t.Errorf("got %v, want %v", w, want)
	}
	inner, problems := CheckPostback(w, func(k string) bert.Term { return bert.BinString(map[string]string{"a": "", "b": "xyz"}[k]) })
	if !inner.Equal(msg) || len(problems) != 2 || problems["a"] == "" || problems["b"] == "" {
		t.Errorf("got %v, %v", inner, problems)
	}

	// A postback that looks like a checked one is wrapped even without
	// rules, so it comes back whole.
	tricky := checked(ruleTerm("x", "text", Rule{Required: true}))
	w = WrapPostback(tricky, nil)
	if inner, problems := CheckPostback(w, nil); !inner.Equal(tricky) || problems != nil {
		t.Errorf("tricky postback: got %v, %v; want it back, no problems", inner, problems)
	}
}

// FuzzCheckPostback feeds arbitrary terms as the sealed postback and as
// the field values: CheckPostback must never panic.
func FuzzCheckPostback(f *testing.F) {
	f.Add(bert.Encode(checked(ruleTerm("f", "text", Rule{Required: true, MinLen: 2, Pattern: "[a-z]+"}))), bert.Encode(bert.BinString("abc")))
	f.Add(bert.Encode(checked(ruleTerm("f", "number", Rule{Min: f64(1)}))), bert.Encode(bert.BinString("1e5")))
	f.Add(bert.Encode(checked(ruleTerm("f", "date", Rule{Required: true}))), bert.Encode(bert.Tuple(bert.Int(1), bert.Int(2), bert.Int(3))))
	f.Add(bert.Encode(checked(ruleTerm("f", "check", Rule{Required: true}))), bert.Encode(bert.Atom("true")))
	f.Add(bert.Encode(checked(ruleTerm("f", "email", Rule{Pattern: "("}))), bert.Encode(bert.BinString("\xff")))
	f.Fuzz(func(t *testing.T, msgData, valueData []byte) {
		msg, err := bert.Decode(msgData)
		if err != nil {
			return
		}
		value, _ := bert.Decode(valueData)
		CheckPostback(msg, func(string) bert.Term { return value })
	})
}
