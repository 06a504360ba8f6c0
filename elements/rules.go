package elements

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/nitrogo/framework/nitro/bert"
)

// Rule is the validation of one input, declared once on the element
// (its Validate field): it renders as HTML5 constraint attributes that the
// browser checks before it sends a postback, and it travels sealed in the
// pickle of every postback that sends the field, so that the server checks
// the same rule again (CheckPostback). The zero Rule checks nothing.
type Rule struct {
	// Required: the field may not be empty (a checkbox must be checked).
	// Renders required.
	Required bool
	// MinLen and MaxLen bound the length of a non-empty value, in
	// characters (runes); zero means no bound. Render minlength and
	// maxlength. Browsers count UTF-16 code units, so a value of
	// characters outside the Basic Multilingual Plane (emoji) can pass the
	// browser's minlength and fail the server's.
	MinLen, MaxLen int
	// Pattern is a regular expression the whole of a non-empty value must
	// match, as HTML's pattern attribute: the server compiles
	// ^(?:Pattern)$ with Go's regexp (RE2 syntax: no lookaround, no
	// backreferences). A pattern that does not compile fails every check
	// of its field. Renders pattern.
	Pattern string
	// Min and Max bound a number field's value. Set on any text field,
	// they make the server require a number there too. Render min and max
	// (not on Date, whose bounds are dates).
	Min, Max *float64
	// Message replaces the default messages of the field's problems. It
	// renders as data-msg, for the browser client to show.
	Message string
}

func (r Rule) zero() bool {
	return !r.Required && r.MinLen <= 0 && r.MaxLen <= 0 && r.Pattern == "" && r.Min == nil && r.Max == nil
}

// fieldKind is how the server reads a field's value.
type fieldKind uint8

const (
	kindText   fieldKind = iota // a binary of text
	kindEmail                   // text that must be an email address
	kindNumber                  // text that must be a number
	kindDate                    // {Year, Month, Day}
	kindCheck                   // a checkbox: <<"true">> or <<"false">>
)

var kindNames = [...]string{"text", "email", "number", "date", "check"}

// check is a Rule with its field's kind, by value: what is sealed.
type check struct {
	kind           fieldKind
	required       bool
	minLen, maxLen int
	pattern        string
	min, max       float64
	hasMin, hasMax bool
	message        string
}

func newCheck(kind fieldKind, r Rule) check {
	c := check{kind: kind, required: r.Required, minLen: max(r.MinLen, 0), maxLen: max(r.MaxLen, 0),
		pattern: r.Pattern, message: r.Message}
	if r.Min != nil {
		c.min, c.hasMin = *r.Min, true
	}
	if r.Max != nil {
		c.max, c.hasMax = *r.Max, true
	}
	return c
}

// checkedTag tags a postback that carries the rules of its sources.
const checkedTag = "$nitro_checked"

var (
	atomChecked   = bert.Atom(checkedTag)
	atomUndefined = bert.Atom("undefined")
	kindAtoms     = [...]bert.Term{bert.Atom("text"), bert.Atom("email"), bert.Atom("number"), bert.Atom("date"), bert.Atom("check")}
)

// WrapPostback returns msg with the rules of the fields it sends sealed
// beside it, {'$nitro_checked', Msg, Rules}, or msg unchanged when rules
// is empty. Elements do this themselves with the rules of their sources;
// call it to seal a postback built by hand (actions.Event) whose fields
// carry rules. The rules are checked as rules of text fields.
//
// Rules is a list, sorted by field id, of
// {Id, Kind, Required, MinLen, MaxLen, Pattern, Min, Max, Message}:
// binaries, atoms, integers and floats (undefined for a missing bound).
func WrapPostback(msg bert.Term, rules map[string]Rule) bert.Term {
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	checks := make([]check, len(ids))
	for i, id := range ids {
		checks[i] = newCheck(kindText, rules[id])
	}
	return wrap(msg, ids, checks)
}

// wrap seals checks[i], the rules of field ids[i], beside msg. A msg that
// is itself tagged '$nitro_checked' is always wrapped, so that
// CheckPostback never mistakes it for rules.
func wrap(msg bert.Term, ids []string, checks []check) bert.Term {
	if len(ids) == 0 && !msg.Is(checkedTag, 3) {
		return msg
	}
	// One allocation holds the outer tuple, the list and the rules.
	all := make([]bert.Term, 3+10*len(ids))
	top, list, fields := all[:3:3], all[3:3+len(ids):3+len(ids)], all[3+len(ids):]
	for i, id := range ids {
		c := &checks[i]
		f := fields[9*i : 9*i+9 : 9*i+9]
		f[0] = bert.BinString(id)
		f[1] = kindAtoms[c.kind]
		f[2] = bert.Bool(c.required)
		f[3] = bert.Int(int64(c.minLen))
		f[4] = bert.Int(int64(c.maxLen))
		f[5] = bert.BinString(c.pattern)
		f[6], f[7] = atomUndefined, atomUndefined
		if c.hasMin {
			f[6] = bert.Float(c.min)
		}
		if c.hasMax {
			f[7] = bert.Float(c.max)
		}
		f[8] = bert.BinString(c.message)
		list[i] = bert.Tuple(f...)
	}
	top[0], top[1], top[2] = atomChecked, msg, bert.List(list...)
	return bert.Tuple(top...)
}

// decodeCheck reads one sealed rule. It never panics, whatever the term.
func decodeCheck(t bert.Term) (id string, c check, ok bool) {
	if t.Kind() != bert.KindTuple || t.Len() != 9 || t.At(0).Kind() != bert.KindBinary {
		return "", c, false
	}
	id = t.At(0).Text()
	k := t.At(1).Atom()
	found := false
	for i, name := range kindNames {
		if k == name {
			c.kind, found = fieldKind(i), true
			break
		}
	}
	if !found {
		return "", c, false
	}
	switch {
	case t.At(2).IsAtom("true"):
		c.required = true
	case t.At(2).IsAtom("false"):
	default:
		return "", c, false
	}
	minLen, ok1 := t.At(3).Int()
	maxLen, ok2 := t.At(4).Int()
	if !ok1 || !ok2 || minLen < 0 || maxLen < 0 || t.At(5).Kind() != bert.KindBinary || t.At(8).Kind() != bert.KindBinary {
		return "", c, false
	}
	c.minLen, c.maxLen = int(min(minLen, 1<<40)), int(min(maxLen, 1<<40))
	c.pattern = t.At(5).Text()
	c.message = t.At(8).Text()
	var ok3, ok4 bool
	c.min, c.hasMin, ok3 = bound(t.At(6))
	c.max, c.hasMax, ok4 = bound(t.At(7))
	if !ok3 || !ok4 {
		return "", c, false
	}
	return id, c, true
}

func bound(t bert.Term) (v float64, has, ok bool) {
	if t.IsAtom("undefined") {
		return 0, false, true
	}
	if f, isFloat := t.Float(); isFloat {
		return f, true, true
	}
	if i, isInt := t.Int(); isInt {
		return float64(i), true, true
	}
	return 0, false, false
}

// The default messages of problems. A Rule's Message replaces all but the
// last two, which are the programmer's to fix.
const (
	msgRequired = "This field is required."
	msgInvalid  = "This value is not valid."
	msgPattern  = "Match the requested format."
	msgEmail    = "Enter an email address."
	msgNumber   = "Enter a number."
	msgDate     = "Enter a date."

	msgUncheckable = "This field cannot be checked."
	msgMalformed   = "The rules of this form are damaged."
)

// CheckPostback opens a postback sealed with the rules of its fields (by
// an element, or WrapPostback) and checks the fields' values, read with
// q (typically the page Context's Q), against them. It returns the
// postback as the page gave it, and the problems: field id → message, nil
// when every field passes. A postback without rules is returned as it
// is, with no problems. The pages package calls it before a page's Event
// sees a postback, and answers problems to the browser.
//
// Values are read as the browser client sends them: text fields as
// binaries, checkboxes as <<"true">>/<<"false">>, dates as {Y, M, D}; a
// missing field (q returns []) is empty. Empty values break only Required;
// lengths count characters; a value of the wrong kind or of invalid UTF-8
// is a problem. Rules that cannot be read give a problem under the key ""
// (the postback as a whole); a pattern that does not compile gives a
// problem for its field. CheckPostback never panics, whatever the terms.
func CheckPostback(msg bert.Term, q func(key string) bert.Term) (inner bert.Term, problems map[string]string) {
	if !msg.Is(checkedTag, 3) {
		return msg, nil
	}
	inner = msg.At(1)
	list := msg.At(2)
	if list.Kind() != bert.KindList || !list.IsProper() {
		return inner, map[string]string{"": msgMalformed}
	}
	for _, t := range list.Elems() {
		id, c, ok := decodeCheck(t)
		if !ok {
			if problems == nil {
				problems = map[string]string{}
			}
			problems[""] = msgMalformed
			continue
		}
		v := bert.Nil()
		if q != nil {
			v = q(id)
		}
		if problem := c.verify(v); problem != "" {
			if problems == nil {
				problems = map[string]string{}
			}
			if _, seen := problems[id]; !seen {
				problems[id] = problem
			}
		}
	}
	return inner, problems
}

// verify checks one value: "" when it passes, else the problem's message.
func (c *check) verify(v bert.Term) string {
	switch c.kind {
	case kindCheck:
		s, ok := textOf(v)
		if !ok || (s != "" && s != "true" && s != "false") {
			return c.say(msgInvalid)
		}
		if c.required && s != "true" {
			return c.say(msgRequired)
		}
		return ""
	case kindDate:
		if c.required && !isDate(v) {
			return c.say(msgDate)
		}
		return ""
	}
	s, ok := textOf(v)
	if !ok || !utf8.ValidString(s) {
		return c.say(msgInvalid)
	}
	if s == "" {
		if c.required {
			return c.say(msgRequired)
		}
		return ""
	}
	if c.minLen > 0 || c.maxLen > 0 {
		n := utf8.RuneCountInString(s)
		if n < c.minLen {
			return c.say(fmt.Sprintf("Use at least %d characters.", c.minLen))
		}
		if c.maxLen > 0 && n > c.maxLen {
			return c.say(fmt.Sprintf("Use at most %d characters.", c.maxLen))
		}
	}
	if c.pattern != "" {
		re, err := compilePattern(c.pattern)
		if err != nil {
			return msgUncheckable
		}
		if !re.MatchString(s) {
			return c.say(msgPattern)
		}
	}
	if c.kind == kindEmail && !emailRE.MatchString(s) {
		return c.say(msgEmail)
	}
	if c.kind == kindNumber || c.hasMin || c.hasMax {
		f, ok := parseNumber(s)
		if !ok {
			return c.say(msgNumber)
		}
		if c.hasMin && f < c.min {
			return c.say("Enter a number no less than " + strconv.FormatFloat(c.min, 'g', -1, 64) + ".")
		}
		if c.hasMax && f > c.max {
			return c.say("Enter a number no greater than " + strconv.FormatFloat(c.max, 'g', -1, 64) + ".")
		}
	}
	return ""
}

// say returns the rule's own message if it has one, else def.
func (c *check) say(def string) string {
	if c.message != "" {
		return c.message
	}
	return def
}

// textOf returns the text of a field's value: a binary or byte list, an
// atom (N2O's client sends a select's "true"/"false" as atoms), or "" for
// a missing field. Other terms are not text.
func textOf(v bert.Term) (string, bool) {
	switch v.Kind() {
	case bert.KindBinary, bert.KindByteList, bert.KindAtom:
		return v.Text(), true
	case bert.KindList:
		if v.IsNil() {
			return "", true
		}
	}
	return "", false
}

// isDate reports whether v is a date as the client sends one, {Y, M, D},
// or as text, YYYY-MM-DD.
func isDate(v bert.Term) bool {
	if v.Kind() == bert.KindTuple && v.Len() == 3 {
		y, ok1 := v.At(0).Int()
		m, ok2 := v.At(1).Int()
		d, ok3 := v.At(2).Int()
		return ok1 && ok2 && ok3 && y >= 1 && y <= 275760 && m >= 1 && m <= 12 && d >= 1 && d <= 31
	}
	s, ok := textOf(v)
	return ok && dateRE.MatchString(s)
}

// parseNumber parses s if it is an HTML valid floating-point number
// (-?digits[.digits][e[+-]digits], or .digits), finite.
func parseNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return i - j
	}
	intPart := digits()
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return 0, false
		}
	} else if intPart == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

var (
	// emailRE is the WHATWG HTML definition of a valid email address.
	emailRE = regexp.MustCompile("^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$")
	dateRE  = regexp.MustCompile(`^[0-9]{4,6}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)
)

// Compiled patterns are kept, up to maxPatterns of them: patterns come
// from the program's own elements, so there are few.
const maxPatterns = 256

var (
	patterns     sync.Map // string → compiled
	patternCount atomic.Int32
)

type compiled struct {
	re  *regexp.Regexp
	err error
}

// compilePattern compiles an HTML pattern: the pattern alone must compile
// (so that "a)|(b" cannot break out of the anchors), and then matches the
// whole value.
func compilePattern(p string) (*regexp.Regexp, error) {
	if c, ok := patterns.Load(p); ok {
		return c.(compiled).re, c.(compiled).err
	}
	var c compiled
	if _, c.err = regexp.Compile(p); c.err == nil {
		c.re, c.err = regexp.Compile("^(?:" + p + ")$")
	}
	if patternCount.Load() < maxPatterns {
		if _, loaded := patterns.LoadOrStore(p, c); !loaded {
			patternCount.Add(1)
		}
	}
	return c.re, c.err
}
