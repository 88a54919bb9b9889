// Command helm-render renders a Helm chart as `helm template` does, so that otelhub's chart
// (deploy/helm/otelhub) can be tested where Helm itself cannot be installed.
//
// It is a test tool that reproduces `helm template`'s semantics for this chart, not a Helm replacement. What it
// does as Helm 3 does:
//
//   - values: the chart's values.yaml, coalesced with the -f files (merged in order: maps merge, anything else is
//     replaced); a null in a -f file deletes the chart's default for that key; numbers are float64, as Helm's
//     YAML-to-JSON loading makes them (so templates need `int` where Helm needs it);
//   - template data: .Values, .Release (Name, Namespace, Service "Helm", IsInstall, IsUpgrade, Revision),
//     .Chart (Chart.yaml with Helm's capitalised field names: Name, Version, AppVersion, ...), .Capabilities
//     (KubeVersion, APIVersions.Has, HelmVersion), .Template (Name, BasePath), .Files (Get, GetBytes);
//   - functions: sprig's TxtFuncMap (without env and expandenv, as Helm removes them) plus include, tpl, toYaml,
//     fromYaml, toJson, fromJson, required and fail with Helm's behaviour and error messages;
//   - execution: every file under templates/ parsed into one set, each non-partial file executed with
//     missingkey=zero and "<no value>" removed; NOTES.txt rendered (its errors fail), printed only with --notes
//     (after the documents, under "NOTES:", as `helm install --dry-run` shows it);
//   - output: each YAML document of each non-empty result, parsed (invalid YAML fails), ordered by Helm's install
//     order of kinds, printed as "---\n# Source: <chart>/templates/<file>\n<document>\n".
//
// Not supported: subcharts and dependencies, --set, values.schema.json, hooks, .helmignore, lookup (always
// empty), Kubernetes schema validation. Values are read with yaml.v3 (YAML 1.2), so `yes`/`no`/`on`/`off` stay
// strings where Helm (YAML 1.1) would read booleans.
//
// Build (GOPATH mode against Debian's Go sources; scripts/install-helm-render.sh does this):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o helm-render ./deploy/helm/render
//
// Use:
//
//	helm-render [NAME] CHART_DIR [-f values.yaml]... [--namespace NS] [--kube-version v1.30.0] [--notes]
//
// The rendered documents go to stdout; on any error the message goes to stderr and the exit status is 1 (2 for a
// usage error).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

const recursionLimit = 1000

// Markers around the messages of required and fail, so the exec error can be cut down to them as Helm does.
const msgStart, msgEnd = "HELM_ERR_START", "HELM_ERR_END"

var msgRegex = regexp.MustCompile(msgStart + `((?s).*)` + msgEnd)

// ---------------------------------------------------------------------------------------------------------------
// Chart metadata, capabilities, files

type Maintainer struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	URL   string `yaml:"url"`
}

// Metadata is Chart.yaml, with the Go field names templates use (.Chart.Name, .Chart.AppVersion, ...).
type Metadata struct {
	Name         string            `yaml:"name"`
	Home         string            `yaml:"home"`
	Sources      []string          `yaml:"sources"`
	Version      string            `yaml:"version"`
	Description  string            `yaml:"description"`
	Keywords     []string          `yaml:"keywords"`
	Maintainers  []*Maintainer     `yaml:"maintainers"`
	Icon         string            `yaml:"icon"`
	APIVersion   string            `yaml:"apiVersion"`
	Condition    string            `yaml:"condition"`
	Tags         string            `yaml:"tags"`
	AppVersion   string            `yaml:"appVersion"`
	Deprecated   bool              `yaml:"deprecated"`
	Annotations  map[string]string `yaml:"annotations"`
	KubeVersion  string            `yaml:"kubeVersion"`
	Type         string            `yaml:"type"`
	Dependencies []interface{}     `yaml:"dependencies"`
	IsRoot       bool              `yaml:"-"`
}

type KubeVersion struct {
	Version string
	Major   string
	Minor   string
}

func (k KubeVersion) String() string     { return k.Version }
func (k KubeVersion) GitVersion() string { return k.Version }

type VersionSet []string

func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

type HelmVersion struct {
	Version   string
	GitCommit string
	GoVersion string
}

type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion HelmVersion
}

// Files gives templates the chart's files outside templates/ (.Files.Get "path").
type Files map[string][]byte

func (f Files) GetBytes(name string) []byte { return f[name] }
func (f Files) Get(name string) string      { return string(f[name]) }

// ---------------------------------------------------------------------------------------------------------------
// Values

// normalize turns what yaml.v3 decoded into what Helm's YAML-to-JSON loading gives templates: string-keyed maps,
// float64 numbers, strings for timestamps.
func normalize(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(x))
		for k, val := range x {
			out[k] = normalize(val)
		}
		return out
	case map[interface{}]interface{}:
		out := make(map[string]interface{}, len(x))
		for k, val := range x {
			out[fmt.Sprint(k)] = normalize(val)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, val := range x {
			out[i] = normalize(val)
		}
		return out
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case float32:
		return float64(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339Nano)
	default:
		return v
	}
}

func readValues(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var raw interface{}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("cannot parse %s: %w", file, err)
	}
	if raw == nil {
		return map[string]interface{}{}, nil
	}
	m, ok := normalize(raw).(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("%s: values must be a map at the top level", file)
	}
	return m, nil
}

func deepCopy(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(x))
		for k, val := range x {
			out[k] = deepCopy(val)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, val := range x {
			out[i] = deepCopy(val)
		}
		return out
	default:
		return v
	}
}

// mergeFiles merges a later -f file into the earlier ones: maps merge, anything else (nulls included) replaces.
func mergeFiles(base, next map[string]interface{}) map[string]interface{} {
	for k, v := range next {
		if nm, ok := v.(map[string]interface{}); ok {
			if bm, ok := base[k].(map[string]interface{}); ok {
				base[k] = mergeFiles(bm, nm)
				continue
			}
		}
		base[k] = v
	}
	return base
}

// coalesce fills user values in from the chart's defaults. The user's values win; a user null for a key the
// defaults have removes the key; a user null for a key the defaults do not have stays null.
func coalesce(user, defaults map[string]interface{}) map[string]interface{} {
	for k, dv := range defaults {
		uv, present := user[k]
		switch {
		case !present:
			user[k] = deepCopy(dv)
		case uv == nil:
			delete(user, k)
		default:
			um, uok := uv.(map[string]interface{})
			dm, dok := dv.(map[string]interface{})
			if uok && dok {
				coalesce(um, dm)
			}
		}
	}
	return user
}

// ---------------------------------------------------------------------------------------------------------------
// Helm's template functions

// forYAML prepares a value for yaml.v3 as Helm's JSON round trip would: whole numbers print as integers
// (1000000, not 1e+06).
func forYAML(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(x))
		for k, val := range x {
			out[k] = forYAML(val)
		}
		return out
	case map[interface{}]interface{}:
		out := make(map[string]interface{}, len(x))
		for k, val := range x {
			out[fmt.Sprint(k)] = forYAML(val)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, val := range x {
			out[i] = forYAML(val)
		}
		return out
	case []string:
		out := make([]interface{}, len(x))
		for i, val := range x {
			out[i] = val
		}
		return out
	case float64:
		if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
			return int64(x)
		}
		return x
	default:
		return v
	}
}

func toYAML(v interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(forYAML(v)); err != nil {
		// Helm swallows the error too.
		return ""
	}
	_ = enc.Close()
	return strings.TrimSuffix(buf.String(), "\n")
}

func fromYAML(s string) map[string]interface{} {
	var raw interface{}
	if err := yaml.Unmarshal([]byte(s), &raw); err != nil {
		return map[string]interface{}{"Error": err.Error()}
	}
	if raw == nil {
		return map[string]interface{}{}
	}
	m, ok := normalize(raw).(map[string]interface{})
	if !ok {
		return map[string]interface{}{"Error": "not a map"}
	}
	return m
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func required(msg string, val interface{}) (interface{}, error) {
	if val == nil {
		return val, errors.New(msgStart + msg + msgEnd)
	}
	if s, ok := val.(string); ok && s == "" {
		return val, errors.New(msgStart + msg + msgEnd)
	}
	return val, nil
}

func fail(msg string) (string, error) {
	return "", errors.New(msgStart + msg + msgEnd)
}

func includeFunc(t *template.Template, depth map[string]int) func(string, interface{}) (string, error) {
	return func(name string, data interface{}) (string, error) {
		if depth[name] > recursionLimit {
			return "", fmt.Errorf("unable to execute template: rendering template has a nested reference name: %s", name)
		}
		depth[name]++
		defer func() { depth[name]-- }()
		var buf strings.Builder
		err := t.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
}

func tplFunc(parent *template.Template, depth map[string]int) func(string, interface{}) (string, error) {
	return func(text string, data interface{}) (string, error) {
		if !strings.Contains(text, "{{") && !strings.Contains(text, "}}") {
			return text, nil
		}
		t, err := parent.Clone()
		if err != nil {
			return "", fmt.Errorf("cannot clone template: %w", err)
		}
		t.Option("missingkey=zero")
		// include and tpl inside the text must see the clone, so defines in the text can be included.
		t.Funcs(template.FuncMap{"include": includeFunc(t, depth), "tpl": tplFunc(t, depth)})
		t, err = t.New(parent.Name()).Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf strings.Builder
		if err := t.Execute(&buf, data); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
}

func funcMap(t *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	depth := map[string]int{}
	extra := template.FuncMap{
		"toYaml":   toYAML,
		"fromYaml": fromYAML,
		"toJson":   toJSON,
		"fromJson": fromJSON,
		"required": required,
		"fail":     fail,
		"include":  includeFunc(t, depth),
		"tpl":      tplFunc(t, depth),
		// helm template has no cluster: lookup finds nothing.
		"lookup": func(string, string, string, string) (map[string]interface{}, error) {
			return map[string]interface{}{}, nil
		},
		"getHostByName": func(string) string { return "" },
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

// execError cuts a template execution error down to its location and the message of required or fail, as Helm
// prints it: "execution error at (otelhub/templates/secret.yaml:3:12): satAuth.secret.token is required".
func execError(name string, err error) error {
	var ee template.ExecError
	if !errors.As(err, &ee) {
		return err
	}
	tokens := strings.SplitN(err.Error(), ": ", 3)
	if len(tokens) != 3 {
		return fmt.Errorf("execution error in (%s): %s", name, err)
	}
	if m := msgRegex.FindStringSubmatch(tokens[2]); len(m) >= 2 {
		return fmt.Errorf("execution error at (%s): %s", tokens[1], m[1])
	}
	return err
}

// Helm's install order of kinds; documents of other kinds come after these, by kind.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
	"ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service",
	"DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
	"StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
}

type manifest struct {
	source  string
	kind    string
	content string
}

var docSeparator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

type options struct {
	release     string
	namespace   string
	chartDir    string
	valueFiles  []string
	kubeVersion string
	notes       bool
}

func loadChart(dir string) (*Metadata, error) {
	data, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("cannot load the chart: %w", err)
	}
	md := &Metadata{}
	if err := yaml.Unmarshal(data, md); err != nil {
		return nil, fmt.Errorf("cannot load Chart.yaml: %w", err)
	}
	switch {
	case md.APIVersion == "":
		return nil, errors.New("validation: chart.metadata.apiVersion is required")
	case md.APIVersion != "v1" && md.APIVersion != "v2":
		return nil, fmt.Errorf("validation: chart.metadata.apiVersion %q is not v1 or v2", md.APIVersion)
	case md.Name == "":
		return nil, errors.New("validation: chart.metadata.name is required")
	case md.Version == "":
		return nil, errors.New("validation: chart.metadata.version is required")
	case !regexp.MustCompile(`^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`).MatchString(md.Version):
		return nil, fmt.Errorf("validation: chart.metadata.version %q is invalid", md.Version)
	case len(md.Dependencies) > 0:
		return nil, errors.New("this renderer does not support chart dependencies")
	}
	md.IsRoot = true
	return md, nil
}

func render(o options) (string, error) {
	md, err := loadChart(o.chartDir)
	if err != nil {
		return "", err
	}
	defaults := map[string]interface{}{}
	if _, err := os.Stat(filepath.Join(o.chartDir, "values.yaml")); err == nil {
		if defaults, err = readValues(filepath.Join(o.chartDir, "values.yaml")); err != nil {
			return "", err
		}
	}
	user := map[string]interface{}{}
	for _, f := range o.valueFiles {
		v, err := readValues(f)
		if err != nil {
			return "", err
		}
		user = mergeFiles(user, v)
	}
	values := coalesce(user, defaults)

	// Every file of the chart: templates/ are parsed, the rest is .Files.
	sources := map[string]string{}
	files := Files{}
	err = filepath.WalkDir(o.chartDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(o.chartDir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "charts" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, "templates/") {
			sources[path.Join(md.Name, rel)] = string(data)
		} else if rel != "Chart.yaml" && rel != "values.yaml" {
			files[rel] = data
		}
		return nil
	})
	if err != nil {
		return "", err
	}

	// Parse order as Helm's: deeper paths first, then reverse lexical order (a later define wins).
	names := make([]string, 0, len(sources))
	for n := range sources {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		ci, cj := strings.Count(names[i], "/"), strings.Count(names[j], "/")
		if ci != cj {
			return ci > cj
		}
		return names[i] > names[j]
	})
	root := template.New("gotpl")
	root.Option("missingkey=zero")
	root.Funcs(funcMap(root))
	for _, n := range names {
		if _, err := root.New(n).Parse(sources[n]); err != nil {
			return "", fmt.Errorf("parse error in (%s): %w", n, err)
		}
	}

	major, minor := "1", "30"
	if m := regexp.MustCompile(`^v?(\d+)\.(\d+)`).FindStringSubmatch(o.kubeVersion); m != nil {
		major, minor = m[1], m[2]
	}
	data := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": o.release, "Namespace": o.namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Chart": md,
		"Capabilities": &Capabilities{
			KubeVersion: KubeVersion{Version: o.kubeVersion, Major: major, Minor: minor},
			APIVersions: VersionSet{"v1", "apps/v1", "batch/v1", "policy/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "autoscaling/v2"},
			HelmVersion: HelmVersion{Version: "v3-compatible (helm-render)"},
		},
		"Files":     files,
		"Subcharts": map[string]interface{}{},
	}

	sort.Strings(names)
	var manifests []manifest
	notes := ""
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			continue
		}
		data["Template"] = map[string]interface{}{"Name": n, "BasePath": path.Join(md.Name, "templates")}
		var buf strings.Builder
		if err := root.ExecuteTemplate(&buf, n, data); err != nil {
			return "", execError(n, err)
		}
		out := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.HasSuffix(n, "NOTES.txt") {
			notes = out
			continue
		}
		if strings.TrimSpace(out) == "" {
			continue
		}
		for _, doc := range docSeparator.Split(strings.TrimSpace(out), -1) {
			doc = strings.TrimSpace(doc)
			if doc == "" {
				continue
			}
			var head struct {
				Kind string `yaml:"kind"`
			}
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return "", fmt.Errorf("YAML parse error on %s: %w", n, err)
			}
			manifests = append(manifests, manifest{source: n, kind: head.Kind, content: doc})
		}
	}

	rank := map[string]int{}
	for i, k := range installOrder {
		rank[k] = i
	}
	sort.SliceStable(manifests, func(i, j int) bool {
		ri, iok := rank[manifests[i].kind]
		rj, jok := rank[manifests[j].kind]
		switch {
		case iok && jok:
			return ri < rj
		case iok != jok:
			return iok
		default:
			return manifests[i].kind < manifests[j].kind
		}
	})
	var b strings.Builder
	for _, m := range manifests {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", m.source, m.content)
	}
	if o.notes && notes != "" {
		fmt.Fprintf(&b, "\nNOTES:\n%s\n", strings.TrimRight(notes, "\n"))
	}
	return b.String(), nil
}

func usage(msg string) {
	fmt.Fprintf(os.Stderr, "helm-render: %s\nusage: helm-render [NAME] CHART_DIR [-f values.yaml]... [--namespace NS] [--kube-version v1.30.0] [--notes]\n", msg)
	os.Exit(2)
}

func main() {
	o := options{release: "release-name", namespace: "default", kubeVersion: "v1.30.0"}
	var positional []string
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(a, "=")
		takeValue := func() string {
			if hasValue {
				return value
			}
			i++
			if i >= len(args) {
				usage(name + " needs a value")
			}
			return args[i]
		}
		switch name {
		case "-f", "--values":
			o.valueFiles = append(o.valueFiles, takeValue())
		case "-n", "--namespace":
			o.namespace = takeValue()
		case "--name":
			o.release = takeValue()
		case "--kube-version":
			o.kubeVersion = takeValue()
		case "--notes":
			o.notes = true
		case "-h", "--help":
			usage("renders a chart as helm template does")
		default:
			if strings.HasPrefix(a, "-") {
				usage("unknown flag " + a)
			}
			positional = append(positional, a)
		}
	}
	switch len(positional) {
	case 1:
		o.chartDir = positional[0]
	case 2:
		o.release, o.chartDir = positional[0], positional[1]
	default:
		usage("expected [NAME] CHART_DIR")
	}
	out, err := render(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %s\n", err)
		os.Exit(1)
	}
	fmt.Print(out)
}
