package main

import (
	"errors"
	"flag"
	"fmt"
	"os/exec"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// paintPage is the first-paint benchmark's page: 100 elements, 10 of them
// buttons with postbacks (the page of elements' BenchmarkRender).
type paintPage struct{}

func (paintPage) Title(*nitro.Context) string { return "Items" }

func (paintPage) Main(cx *nitro.Context) templ.Component {
	rows := make([]templ.Component, 0, 10)
	for i := range 10 {
		id := "f" + strconv.Itoa(i)
		rows = append(rows, elements.Panel{Attrs: elements.Attrs{Class: "row", Data: map[string]string{"i": strconv.Itoa(i)}}, Body: []templ.Component{
			elements.Heading{Level: 3, Text: "Item " + strconv.Itoa(i)},
			elements.P{Text: "A description with <markup> & entities that need escaping."},
			elements.Label{For: id, Text: "Name"},
			elements.Textbox{Attrs: elements.Attrs{ID: id}, Name: id, Placeholder: "Your name", Validate: elements.Rule{Required: true, MaxLen: 40}},
			elements.Span{Attrs: elements.Attrs{Class: "hint"}, Text: "At most 40 characters"},
			elements.Image{Src: "/img/" + id + ".png", Alt: "item", Width: 32, Height: 32},
			elements.Br{},
			elements.Link{Href: "/items/" + id, Text: "details"},
			elements.Button{Attrs: elements.Attrs{Class: "primary"}, Text: "Save", Postback: bert.Tuple(bert.Atom("save"), bert.Int(int64(i))), Source: []string{id}},
		}})
	}
	return elements.Panel{Attrs: elements.Attrs{ID: "page"}, Body: rows}
}

func (paintPage) Event(cx *nitro.Context, ev any) {
	if p, ok := ev.(nitro.Postback); ok {
		actions.Alert(cx, "saved "+p.Msg.String())
	}
}

// paint measures first paints with wrk: GETs of the page over HTTP, the
// server in its own process.
func paint(args []string) error {
	fs := flag.NewFlagSet("paint", flag.ExitOnError)
	conns := fs.Int("c", 50, "wrk connections")
	threads := fs.Int("t", 2, "wrk threads")
	duration := fs.Duration("duration", 10*time.Second, "how long wrk runs")
	fs.Parse(args)
	if *duration > 10*time.Minute {
		return fmt.Errorf("duration %v: at most 10m", *duration)
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return errors.New("paint needs wrk: apt-get install -y wrk")
	}
	raiseFileLimit()
	srv, err := startServer()
	if err != nil {
		return err
	}
	defer srv.stop()
	cpu0, _ := srv.cpu()
	out, err := exec.Command(wrk, "-t"+strconv.Itoa(*threads), "-c"+strconv.Itoa(*conns), "-d"+duration.String(), "http://"+srv.addr+"/page").CombinedOutput()
	cpu1, _ := srv.cpu()
	fmt.Printf("%s", out)
	fmt.Printf("server CPU: %v over %v\n", cpu1-cpu0, *duration)
	return err
}
