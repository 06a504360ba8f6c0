package keys_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/nitrogo/framework/nitro/keys"
)

const newKeys = "1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8,2:ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM"

func ExampleParse() {
	ks, err := keys.Parse(newKeys)
	if err != nil {
		log.Fatal(err)
	}
	for _, k := range ks {
		fmt.Println(k.ID)
	}
	fmt.Println(keys.Format(ks...) == newKeys)
	// Output:
	// 1
	// 2
	// true
}

func ExampleLoadOrCreate() {
	dir, err := os.MkdirTemp("", "nitro-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, ".nitro", "keys")

	first, err := keys.LoadOrCreate(path) // creates the file
	if err != nil {
		log.Fatal(err)
	}
	now := time.Now()
	pickle := first.Seal(nil, "sid", []byte("still good"), now.Add(time.Hour))

	restarted, err := keys.LoadOrCreate(path) // reads it
	if err != nil {
		log.Fatal(err)
	}
	payload, err := restarted.Open(nil, "sid", pickle, now)
	fmt.Printf("%s %v\n", payload, err)
	// Output: still good <nil>
}
