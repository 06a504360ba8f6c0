package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// manifestName is the manifest's name in the out dir: package assets
// reads it.
const manifestName = "manifest.json"

// buildAssetsCmd is "nitro-dev build [-src web] [-out web/dist]": the
// app's assets for production.
func buildAssetsCmd(args []string, stderr io.Writer) error {
	flags := flag.NewFlagSet("build", flag.ContinueOnError)
	flags.SetOutput(stderr)
	src := flags.String("src", "web", "the `dir` of the sources")
	out := flags.String("out", "web/dist", "the `dir` the built files and "+manifestName+" are written to")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: nitro-dev build [-src web] [-out web/dist]")
		fmt.Fprintln(stderr, "\nBundles and minifies each .js and .css file at the top of -src with esbuild")
		fmt.Fprintln(stderr, "(what it imports, from subdirectories or _partial files, is inlined), copies")
		fmt.Fprintln(stderr, "the other files, names each output for its content (app.3f9a1c2e.css, with a")
		fmt.Fprintln(stderr, "source map) and writes "+manifestName+", which package assets serves from.")
		fmt.Fprintln(stderr)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() != 0 {
		flags.Usage()
		return errors.New("build: want no arguments besides the flags")
	}
	b, err := buildAssets(*src, *out)
	for _, w := range b.warnings {
		fmt.Fprint(stderr, w)
	}
	if err != nil {
		return err
	}
	for _, logical := range slices.Sorted(maps.Keys(b.manifest)) {
		name := b.manifest[logical]
		code := b.files[name]
		fmt.Fprintf(stderr, "%-40s %7d bytes, %6d gzipped\n", filepath.Join(*out, filepath.FromSlash(name)), len(code), gzipSize(code))
	}
	fmt.Fprintf(stderr, "%s: %d assets", filepath.Join(*out, manifestName), len(b.manifest))
	if b.written > 0 || b.removed > 0 {
		fmt.Fprintf(stderr, " (%d files written, %d stale removed)", b.written, b.removed)
	}
	fmt.Fprintln(stderr)
	return nil
}

// built is what buildAssets did.
type built struct {
	manifest map[string]string // logical name → file name, both relative to src and out
	files    map[string][]byte // every file written to out, by name, bar the manifest
	warnings []string
	written  int // files that changed
	removed  int // stale files removed
}

// hashedName matches the names buildAssets gives: name.HASH.ext, and
// their source maps. Only such files are removed from out as stale.
var hashedName = regexp.MustCompile(`\.[0-9a-f]{8}(\.[^./]+)?(\.map)?$`)

// esbuildExts are the files esbuild reads as code: the entries and what
// they import. Other files under src are copied with hashed names.
var esbuildExts = []string{".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".css", ".map"}

// buildAssets builds the assets under src into out: each .js and .css
// file at the top of src is an entry, bundled (what it imports, from
// anywhere, is inlined) and minified by esbuild; the .js and .css files
// in subdirectories are only imported; other files are copied. Every
// output is named for the SHA-256 of its content (app.css →
// app.3f9a1c2e.css), with a source map beside each bundle
// (app.3f9a1c2e.css.map), and the manifest maps the logical names to
// them. Names that start with "_" or "." are left out (partials, hidden
// files), and so is out when it is inside src. A CSS url() to a copied
// file is rewritten to the copy's name. The output is the same for the
// same sources; files that would not change are not written, and hashed
// files no longer built are removed.
func buildAssets(src, out string) (built, error) {
	b := built{manifest: map[string]string{}, files: map[string][]byte{}}
	srcAbs, err := filepath.Abs(src)
	if err != nil {
		return b, err
	}
	outAbs, err := filepath.Abs(out)
	if err != nil {
		return b, err
	}
	switch fi, err := os.Stat(srcAbs); {
	case errors.Is(err, fs.ErrNotExist):
		return b, fmt.Errorf("build: the source directory %s does not exist (-src names it)", src)
	case err != nil:
		return b, fmt.Errorf("build: %w", err)
	case !fi.IsDir():
		return b, fmt.Errorf("build: the source %s is not a directory", src)
	}
	if within(srcAbs, outAbs) {
		return b, fmt.Errorf("build: -out %s holds -src %s: put it inside the sources (as web/dist) or apart from them", out, src)
	}

	var entries, others []string // relative to src, with slashes
	err = filepath.WalkDir(srcAbs, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == srcAbs {
			return nil
		}
		if e.IsDir() && (p == outAbs || e.Name() == "node_modules") || strings.HasPrefix(e.Name(), "_") || strings.HasPrefix(e.Name(), ".") {
			// Not built on their own: the out dir, what esbuild would
			// import from node_modules, partials, hidden files.
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(srcAbs, p)
		rel = filepath.ToSlash(rel)
		switch ext := path.Ext(rel); {
		case (ext == ".js" || ext == ".css") && !strings.Contains(rel, "/"):
			entries = append(entries, rel)
		case !slices.Contains(esbuildExts, ext):
			others = append(others, rel)
		}
		return nil
	})
	if err != nil {
		return b, fmt.Errorf("build: %w", err)
	}

	// The copies first: the bundles' url()s name them.
	copies := map[string]string{} // absolute source → hashed name
	for _, rel := range others {
		data, err := os.ReadFile(filepath.Join(srcAbs, filepath.FromSlash(rel)))
		if err != nil {
			return b, fmt.Errorf("build: %w", err)
		}
		name := hashed(rel, data)
		copies[filepath.Join(srcAbs, filepath.FromSlash(rel))] = name
		b.manifest[rel] = name
		b.files[name] = data
	}
	for _, rel := range entries {
		code, sourceMap, warnings, err := bundleEntry(srcAbs, outAbs, rel, copies)
		b.warnings = append(b.warnings, warnings...)
		if err != nil {
			return b, err
		}
		name := hashed(rel, code)
		// The comment is not part of the hash: it names the hash.
		if path.Ext(rel) == ".css" {
			code = append(code, "/*# sourceMappingURL="+path.Base(name)+".map */\n"...)
		} else {
			code = append(code, "//# sourceMappingURL="+path.Base(name)+".map\n"...)
		}
		b.manifest[rel] = name
		b.files[name] = code
		b.files[name+".map"] = sourceMap
	}

	var manifest bytes.Buffer
	enc := json.NewEncoder(&manifest)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "\t")
	enc.Encode(b.manifest) // a map of strings: no error; keys sorted
	for name, data := range b.files {
		if err := b.write(filepath.Join(outAbs, filepath.FromSlash(name)), data); err != nil {
			return b, err
		}
	}
	// The manifest last: until it is written, the old one names files
	// that are still there.
	if err := b.write(filepath.Join(outAbs, manifestName), manifest.Bytes()); err != nil {
		return b, err
	}
	return b, b.removeStale(outAbs)
}

// write writes data to name unless it holds data already, so that an
// unchanged build touches nothing (a watcher sees no change).
func (b *built) write(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	b.written++
	return nil
}

// removeStale removes the hashed files under out that this build did not
// write, and the directories that leaves empty.
func (b *built) removeStale(outAbs string) error {
	var dirs []string
	err := filepath.WalkDir(outAbs, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != outAbs {
				dirs = append(dirs, p)
			}
			return nil
		}
		rel, _ := filepath.Rel(outAbs, p)
		if _, ok := b.files[filepath.ToSlash(rel)]; ok || !hashedName.MatchString(e.Name()) {
			return nil
		}
		b.removed++
		return os.Remove(p)
	})
	for _, d := range slices.Backward(dirs) {
		os.Remove(d) // fails, as it should, when not empty
	}
	if err != nil {
		return fmt.Errorf("build: removing stale files: %w", err)
	}
	return nil
}

// hashed names rel for data: dir/name.ext becomes dir/name.HASH.ext,
// HASH the first 8 hex digits of data's SHA-256.
func hashed(rel string, data []byte) string {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:4])
	ext := path.Ext(rel)
	if ext == path.Base(rel) { // ".htaccess": no name, only an extension
		ext = ""
	}
	return strings.TrimSuffix(rel, ext) + "." + h + ext
}

// within reports whether path p is dir or inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// bundleEntry bundles and minifies the entry rel under srcAbs with
// esbuild, as if written to outAbs, and returns the code (without a
// sourceMappingURL comment) and its source map, whose sources are
// relative to the output.
func bundleEntry(srcAbs, outAbs, rel string, copies map[string]string) (code, sourceMap []byte, warnings []string, err error) {
	entry := filepath.Join(srcAbs, filepath.FromSlash(rel))
	res := api.Build(api.BuildOptions{
		EntryPoints:       []string{entry},
		AbsWorkingDir:     srcAbs,
		Outfile:           filepath.Join(outAbs, filepath.FromSlash(rel)), // not written: it places the map's sources
		Write:             false,
		Bundle:            true,
		Format:            api.FormatIIFE,
		Platform:          api.PlatformBrowser,
		Target:            api.ES2017,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Sourcemap:         api.SourceMapExternal,
		LogLevel:          api.LogLevelSilent,
		Plugins: []api.Plugin{cssURLs(func(file string) (string, error) {
			if name, ok := copies[file]; ok {
				return relURL(path.Dir(rel), name), nil
			}
			r, _ := filepath.Rel(srcAbs, file)
			switch _, err := os.Stat(file); {
			case err != nil:
				return "", fmt.Errorf("no file %s under -src", filepath.ToSlash(r))
			case !within(file, srcAbs):
				return "", fmt.Errorf("%s is not under -src", filepath.ToSlash(r))
			}
			return "", fmt.Errorf("%s is not copied: its name, or its directory's, starts with _ or .", filepath.ToSlash(r))
		})},
	})
	if len(res.Warnings) > 0 {
		warnings = api.FormatMessages(res.Warnings, api.FormatMessagesOptions{Kind: api.WarningMessage})
	}
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return nil, nil, warnings, fmt.Errorf("build %s:\n%s", rel, strings.Join(msgs, ""))
	}
	ext := path.Ext(rel)
	for _, f := range res.OutputFiles {
		switch {
		case strings.HasSuffix(f.Path, ext+".map"):
			sourceMap = f.Contents
		case strings.HasSuffix(f.Path, ext):
			code = f.Contents
		default:
			return nil, nil, warnings, fmt.Errorf("build %s: it imports CSS: import CSS from a .css entry, not from JavaScript", rel)
		}
	}
	return code, sourceMap, warnings, nil
}

// cssURLs makes the url()s of CSS external, so that the file they name
// is not inlined: one with a scheme ("data:", "https:") or an absolute
// path stays as written; a relative one names a file, whose URL relative
// to the entry's is what at returns for the file's absolute path.
func cssURLs(at func(file string) (string, error)) api.Plugin {
	return api.Plugin{Name: "nitro-css-urls", Setup: func(pb api.PluginBuild) {
		pb.OnResolve(api.OnResolveOptions{Filter: `.*`}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
			if a.Kind != api.ResolveCSSURLToken {
				return api.OnResolveResult{}, nil // esbuild's own resolution
			}
			p, suffix := a.Path, ""
			if i := strings.IndexAny(p, "?#"); i >= 0 {
				p, suffix = p[:i], p[i:]
			}
			if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, ":") {
				return api.OnResolveResult{Path: a.Path, External: true}, nil
			}
			if u, err := url.PathUnescape(p); err == nil {
				p = u
			}
			u, err := at(filepath.Join(a.ResolveDir, filepath.FromSlash(p)))
			if err != nil {
				return api.OnResolveResult{}, err
			}
			return api.OnResolveResult{Path: (&url.URL{Path: u}).EscapedPath() + suffix, External: true}, nil
		})
	}}
}

// relURL is the relative URL of the file name seen from the directory
// dir, both relative to one root, with slashes.
func relURL(dir, name string) string {
	r, _ := filepath.Rel(filepath.FromSlash(dir), filepath.FromSlash(name)) // both relative: no error
	return filepath.ToSlash(r)
}
