package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"
)

// Config configures a Set. Its zero value serves a manifest.json at the
// root of the Set's files under /assets/.
type Config struct {
	// Manifest is the path of the manifest in the Set's files, as
	// nitro-dev build writes it: a JSON object from logical names to file
	// names, both relative to the manifest's directory, which holds the
	// files. Default: "manifest.json".
	Manifest string

	// Prefix is the URL path the files are served under, with a slash at
	// both ends. Default: "/assets/".
	Prefix string

	// Source, when set, is the directory of the sources (os.DirFS("web")),
	// and the Set is in development mode: Path names the sources
	// themselves, unhashed, and the Set serves them as they are on disk
	// with Cache-Control: no-cache, so that a save shows on the next
	// reload. The manifest may then be missing. Not bundled, a script
	// that imports modules does not run as it is: nitro-dev, in front of
	// the app, answers for the sources with bundles. Set it from main
	// (nitro-dev gives the app it runs NITRO_DEV=1); never in production.
	Source fs.FS
}

// A Set is an app's built assets: it names them for templates (Path) and
// serves them (ServeHTTP). It is safe for concurrent use.
type Set struct {
	prefix string
	files  fs.FS             // the manifest's directory
	source fs.FS             // development: the sources
	paths  map[string]string // logical name → URL path
	served map[string]*file  // URL path → what is served there
}

// file is a built file as served: its name in files, and what is
// computed once.
type file struct {
	name  string
	ctype string
	etag  string
	gz    []byte // gzipped, when that is smaller
	etagz string
}

// New reads the manifest and checks that every file it names is there.
// It computes each file's ETag and gzipped form once, here.
func New(files fs.FS, cfg Config) (*Set, error) {
	s := &Set{prefix: cfg.Prefix, source: cfg.Source, paths: map[string]string{}, served: map[string]*file{}}
	if s.prefix == "" {
		s.prefix = "/assets/"
	}
	if !strings.HasPrefix(s.prefix, "/") || !strings.HasSuffix(s.prefix, "/") {
		return nil, fmt.Errorf("assets: prefix %q does not begin and end with a slash", s.prefix)
	}
	manifest := cfg.Manifest
	if manifest == "" {
		manifest = "manifest.json"
	}
	if files == nil {
		if s.source == nil {
			return nil, errors.New("assets: no files, and no Source")
		}
		return s, nil
	}
	b, err := fs.ReadFile(files, manifest)
	if errors.Is(err, fs.ErrNotExist) && s.source != nil {
		return s, nil // development: nothing built yet
	}
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	var names map[string]string
	if err := json.Unmarshal(b, &names); err != nil {
		return nil, fmt.Errorf("assets: %s: %w", manifest, err)
	}
	if dir := path.Dir(manifest); dir != "." {
		if files, err = fs.Sub(files, dir); err != nil {
			return nil, fmt.Errorf("assets: %w", err)
		}
	}
	s.files = files
	for logical, name := range names {
		if !fs.ValidPath(name) || name == "." {
			return nil, fmt.Errorf("assets: %s: %q names %q, not a path inside its directory", manifest, logical, name)
		}
		f, err := newFile(files, name)
		if err != nil {
			return nil, fmt.Errorf("assets: %s: %q: %w", manifest, logical, err)
		}
		p := s.prefix + name
		s.paths[logical] = escapePath(p)
		s.served[p] = f
		if m, err := newFile(files, name+".map"); err == nil {
			s.served[p+".map"] = m
		}
	}
	return s, nil
}

// Must returns s, and panics if err is not nil: for a Set made from
// embedded files, which cannot be wrong at run time if they were right
// when tested.
func Must(s *Set, err error) *Set {
	if err != nil {
		panic(err)
	}
	return s
}

func newFile(files fs.FS, name string) (*file, error) {
	b, err := fs.ReadFile(files, name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	f := &file{name: name, ctype: contentType(name), etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	if compressible(name) {
		if gz := Gzip(b); len(gz) < len(b) {
			f.gz, f.etagz = gz, `"`+hex.EncodeToString(sum[:8])+`-gz"`
		}
	}
	return f, nil
}

// Path returns the URL path of the asset with the logical name: the
// hashed file the manifest names for it, under the prefix
// (Path("app.css") is "/assets/app.3f9a1c2e.css"). In development it is
// the source's own path ("/assets/app.css"). A name the manifest does not
// know gets the unhashed path, which the Set answers with 404: a missing
// asset shows in the browser's console, and the page still renders.
func (s *Set) Path(name string) string {
	if p, ok := s.paths[name]; ok && s.source == nil {
		return p
	}
	return escapePath(s.prefix + strings.TrimPrefix(name, "/"))
}

// Prefix returns the URL path the files are served under, where the Set
// is mounted: mux.Handle(set.Prefix(), set).
func (s *Set) Prefix() string { return s.prefix }

// escapePath escapes p for a URL, leaving its slashes.
func escapePath(p string) string { return (&url.URL{Path: p}).EscapedPath() }

// Gzip returns b compressed at gzip's best level, as served to browsers
// that accept it.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
