package elements

import (
	"runtime"
	"sync"
	"weak"

	"github.com/nitrogo/framework/nitro"
)

// The rules of the inputs rendered in a page Context are kept per
// Context, so that an element with a postback rendered later in the same
// Context seals the rules of its sources without repeating them. A
// nitro.Context has no storage of its own for this, so the registries live
// in a package-level map keyed by a weak pointer to the Context: the map
// never keeps a Context alive, and a cleanup deletes the entry once the
// Context is collected.
//
// A registry, like its Context, is used by one goroutine at a time; the
// map of registries is safe for concurrent use.

// maxRules bounds the rules one Context keeps; past it, the rules of new
// ids are not kept (a warning is logged once), and only the Rules declared
// on a postback element are sealed for them.
const maxRules = 4096

type registry struct {
	checks map[string]check
	warned bool
}

var registries sync.Map // weak.Pointer[nitro.Context] → *registry

// registryOf returns the registry of cx, creating it if create is set; nil
// if there is none.
func registryOf(cx *nitro.Context, create bool) *registry {
	key := weak.Make(cx)
	if r, ok := registries.Load(key); ok {
		return r.(*registry)
	}
	if !create {
		return nil
	}
	r, loaded := registries.LoadOrStore(key, &registry{checks: make(map[string]check, 16)})
	if !loaded {
		runtime.AddCleanup(cx, func(k weak.Pointer[nitro.Context]) { registries.Delete(k) }, key)
	}
	return r.(*registry)
}

// registry returns the render's registry, looking it up once per render.
func (o *out) registry(create bool) *registry {
	if o.reg != nil || (o.regDone && !create) {
		return o.reg
	}
	cx := o.nitro()
	if cx == nil {
		return nil
	}
	o.reg, o.regDone = registryOf(cx, create), true
	return o.reg
}

// register records the rule of input id for the postbacks rendered after
// it in the same Context. An input rendered again without a rule forgets
// its old one. Email and number fields always have a rule: their type.
func (o *out) register(id string, kind fieldKind, r Rule) {
	if id == "" || o.nitro() == nil {
		return
	}
	has := !r.zero() || kind == kindEmail || kind == kindNumber
	reg := o.registry(has)
	if reg == nil {
		return
	}
	if !has {
		delete(reg.checks, id)
		return
	}
	if _, ok := reg.checks[id]; !ok && len(reg.checks) >= maxRules {
		if !reg.warned {
			reg.warned = true
			o.cx.Logger().Warn("elements: too many validated inputs in one page; the rules of new ones are not kept", "limit", maxRules, "id", id)
		}
		return
	}
	reg.checks[id] = newCheck(kind, r)
}
