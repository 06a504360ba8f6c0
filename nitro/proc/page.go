package proc

import "github.com/nitrogo/framework/nitro"

// pageProcs is the supervisor of a connection's processes, made on its
// first Spawn.
var pageProcs = nitro.NewLocal[*Supervisor]("proc.page")

// Spawn starts a supervised process bound to cx's connection: it is
// stopped, and waited for, when the connection closes, before the page
// sees nitro.Exit. A process reports back to its page through cx.Self(),
// which feeds the page's Event as a nitro.Push. Outside a connection, or
// once it closed, Spawn returns nitro.ErrClosed: processes of the whole
// application run under a Supervisor of its own.
func Spawn(cx *nitro.Context, name string, fn Func) error {
	sup, ok := pageProcs.Get(cx)
	if !ok {
		sup = &Supervisor{Logger: cx.Server().Logger("proc")}
		if err := cx.OnClose(sup.Close); err != nil {
			return err
		}
		pageProcs.Set(cx, sup)
	}
	return sup.Start(name, fn)
}

// Send puts msg in the inbox of the process name that cx's connection
// spawned, without waiting (see Supervisor.Send).
func Send(cx *nitro.Context, name string, msg any) error {
	sup, ok := pageProcs.Get(cx)
	if !ok {
		return ErrNoProc
	}
	return sup.Send(name, msg)
}
