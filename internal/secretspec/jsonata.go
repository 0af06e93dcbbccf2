package secretspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	jsonata "github.com/blues/jsonata-go"
	"github.com/blues/jsonata-go/jparse"
)

// expression is a selector that only JSONata can evaluate, compiled once
// when the input is parsed.
type expression struct {
	compiled *jsonata.Expr
}

// exprHint ends the messages about JSONata selectors.
const exprHint = "see https://docs.jsonata.org"

// compileExpression compiles text as JSONata. The library may panic on odd
// input; a panic is returned as an error at the start of the selector.
func compileExpression(text string) (expr *expression, selErr *selectorError) {
	defer func() {
		if r := recover(); r != nil {
			expr, selErr = nil, &selectorError{0, "invalid JSONata selector (" + exprHint + ")"}
		}
	}()
	e, err := jsonata.Compile(text)
	if err != nil {
		off := 0
		var pe *jparse.Error
		if errors.As(err, &pe) {
			off = min(max(pe.Position, 0), max(len(text)-1, 0))
		}
		return nil, &selectorError{off, fmt.Sprintf("invalid JSONata selector: %s (%s)", err, exprHint)}
	}
	if ast, err := jparse.Parse(text); err == nil {
		switch {
		case holds(reflect.ValueOf(ast), lambdaType):
			return nil, &selectorError{0, "unsupported JSONata selector: it defines a function; use the built-in functions " +
				"(a recursive function could not be stopped: it would crash the step)"}
		case holds(reflect.ValueOf(ast), rangeType):
			return nil, &selectorError{0, "unsupported JSONata selector: it holds a range ([a..b]); " +
				"ranges, nested, make billions of values and exhaust the memory, which could not be stopped: select from the secret's data instead"}
		}
	}
	return &expression{compiled: e}, nil
}

// lambdaType is the parse-tree node of a function definition (a typed
// one embeds it), and rangeType that of a range ([1..n]).
var (
	lambdaType = reflect.TypeFor[jparse.LambdaNode]()
	rangeType  = reflect.TypeFor[jparse.RangeNode]()
)

// holds reports whether the parse tree v holds a node of type t. Function
// definitions and ranges are refused: a function can recurse without
// limit, which overflows the goroutine's stack, and ranges mapped over
// ranges allocate without limit; Go recovers from neither.
func holds(v reflect.Value, t reflect.Type) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && holds(v.Elem(), t)
	case reflect.Struct:
		if v.Type() == t {
			return true
		}
		for i := range v.NumField() {
			if holds(v.Field(i), t) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if holds(v.Index(i), t) {
				return true
			}
		}
	}
	return false
}

// looksLikeExpression reports whether text uses a character that no key
// form allows but JSONata does. Only such text is compiled as JSONata, so
// a mistyped key (`a..b`, `a. b`, an unclosed quote) keeps the key
// grammar's error, and spaces separate a second token as in vault-action
// unless the selector is an expression.
func looksLikeExpression(text string) bool {
	return strings.ContainsAny(text, "$(){}&+*/=<>!?:,~^%#@") ||
		hasFilter(text)
}

// hasFilter reports whether a '[' in text opens a closed, non-empty
// bracket that is not digits: a JSONata filter or negative index, not an
// index (a[0]) or a typo (a[], a[0) that the key grammar explains better.
func hasFilter(text string) bool {
	for rest := text; ; {
		i := strings.IndexByte(rest, '[')
		if i < 0 {
			return false
		}
		rest = rest[i+1:]
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return false
		}
		if j > 0 && strings.Trim(rest[:j], "0123456789") != "" {
			return true
		}
	}
}

// IsExpression reports whether the selector is evaluated by JSONata: one
// that is not a key, a dotted path, an [index] or a wildcard.
func (sel Selector) IsExpression() bool { return sel.expr != nil }

// Select returns the value the selector picks from a secret's data: the
// KV v2 secret's own data, as vault-action evaluates its selectors. Keys,
// dotted paths and indexes go through Eval; JSONata expressions are
// evaluated on data, and a result that is no value (JSONata's undefined,
// and null, which the library does not tell from it) gives ok false. err
// reports an evaluation that failed, such as a function given the wrong
// type, without any value of the secret.
func (sel Selector) Select(data map[string]any) (value any, ok bool, err error) {
	if sel.expr != nil {
		return sel.expr.eval(data)
	}
	if value, ok = sel.Eval(data); ok || sel.Wildcard != None {
		return value, ok, nil
	}
	// vault-action's JSONata maps a path over an array (list.name gives
	// every name) and reads a value as a one-item array (obj[0] is obj);
	// Eval does neither. Only a selector that missed pays for the library.
	expr := sel.pathExpression()
	if expr == nil {
		return nil, false, nil
	}
	return expr.eval(data)
}

// pathExpression compiles the JSONata path of a key selector, or returns
// nil when a key cannot be written as a JSONata name.
func (sel Selector) pathExpression() *expression {
	var b strings.Builder
	for i, seg := range sel.Segments {
		switch {
		case seg.IsIndex:
			fmt.Fprintf(&b, "[%d]", seg.Index)
			continue
		case seg.Key == "" || strings.Contains(seg.Key, "`"):
			return nil
		case i > 0:
			b.WriteByte('.')
		}
		b.WriteString("`" + seg.Key + "`")
	}
	expr, err := compileExpression(b.String())
	if err != nil {
		return nil
	}
	return expr
}

// evalMu serialises evaluations: the JSONata library renames and re-binds
// its shared built-in functions on every call ($join, $count, ...), a data
// race when two expressions run at once.
var evalMu sync.Mutex

func (e *expression) eval(data map[string]any) (value any, ok bool, err error) {
	evalMu.Lock()
	defer evalMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			value, ok, err = nil, false, &EvalError{Msg: "the JSONata library failed on this selector"}
		}
	}()
	res, err := e.compiled.Eval(toJSONata(data))
	switch {
	case errors.Is(err, jsonata.ErrUndefined):
		return nil, false, nil
	case err != nil:
		return nil, false, &EvalError{Msg: safeMessage(err)}
	}
	value, err = fromJSONata(res)
	if err != nil {
		return nil, false, err
	}
	return value, true, nil
}

// EvalError is a JSONata selector that failed on the secret it read. Its
// message never holds a value of the secret.
type EvalError struct{ Msg string }

// safeMessage is the library's message when it names only the expression
// (operators, functions, argument positions), else a generic one: a
// function's own errors quote the value it was given ("unable to cast
// \"p4ss\" to a number"), which would put a secret in the log before it
// is masked.
func safeMessage(err error) string {
	var evalErr *jsonata.EvalError
	var countErr *jsonata.ArgCountError
	var typeErr *jsonata.ArgTypeError
	switch {
	case errors.As(err, &evalErr) && evalErr.Type != jsonata.ErrDuplicateKey:
		return evalErr.Error()
	case errors.As(err, &countErr):
		return countErr.Error()
	case errors.As(err, &typeErr):
		return typeErr.Error()
	}
	return "a function or operator cannot use the secret's data (the details are not shown: they may hold a value of the secret)"
}

func (e *EvalError) Error() string {
	return "evaluating the JSONata selector: " + e.Msg + " (change the selector in vault-secrets)"
}

// Title is the title of the annotation the runner shows for this error.
func (e *EvalError) Title() string { return "Vault secret selector failed" }

// toJSONata converts json.Number, which the library would take for a
// string, to float64, the only number JSONata (like JavaScript) knows.
func toJSONata(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, v := range x {
			m[k] = toJSONata(v)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, v := range x {
			s[i] = toJSONata(v)
		}
		return s
	}
	return v
}

// fromJSONata turns a result into the JSON values the export renders:
// numbers become json.Number in JavaScript's notation (1e+21, as
// vault-action's JSON.stringify writes them), the library's typed slices
// and maps ([]string from $keys) become []any and map[string]any, and
// anything that is not JSON, such as a function, is an error.
func fromJSONata(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, &EvalError{Msg: "the result is not a JSON number"}
		}
		return json.Number(b), nil
	case reflect.Slice, reflect.Array:
		s := make([]any, rv.Len())
		for i := range s {
			c, err := fromJSONata(rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			s[i] = c
		}
		return s, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		m := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			c, err := fromJSONata(it.Value().Interface())
			if err != nil {
				return nil, err
			}
			m[it.Key().String()] = c
		}
		return m, nil
	case reflect.Interface, reflect.Pointer:
		if rv.IsNil() {
			return nil, nil
		}
		return fromJSONata(rv.Elem().Interface())
	}
	return nil, &EvalError{Msg: fmt.Sprintf("the result is a %T, not a JSON value", v)}
}

// expressionSelector is called for a selector that is not a key form
// (keyErr says why): it is a JSONata expression if it compiles. Otherwise
// the error is JSONata's when the text reads as an expression, and the key
// grammar's when it reads as a mistyped key.
func expressionSelector(text string, keyErr *selectorError) (Selector, *selectorError) {
	if !looksLikeExpression(text) {
		return Selector{}, keyErr
	}
	expr, exprErr := compileExpression(text)
	if exprErr != nil {
		return Selector{}, exprErr
	}
	return Selector{Text: text, expr: expr}, nil
}
