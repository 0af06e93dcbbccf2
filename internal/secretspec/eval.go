package secretspec

// Eval applies a non-wildcard selector to a secret's decoded JSON data
// (map[string]any, []any and scalars, as encoding/json produces, with or
// without UseNumber), and returns the value it selects. ok is false when a
// key or an index is missing, when a segment meets a value of the wrong
// type (a key on an array, an index on a map), and for wildcards, which
// select the whole of data.
func (sel Selector) Eval(data map[string]any) (value any, ok bool) {
	if sel.Wildcard != None || len(sel.Segments) == 0 {
		return nil, false
	}
	var cur any = data
	for _, seg := range sel.Segments {
		switch v := cur.(type) {
		case map[string]any:
			if seg.IsIndex {
				return nil, false
			}
			if cur, ok = v[seg.Key]; !ok {
				return nil, false
			}
		case []any:
			if !seg.IsIndex || seg.Index < 0 || seg.Index >= len(v) {
				return nil, false
			}
			cur = v[seg.Index]
		default:
			return nil, false
		}
	}
	return cur, true
}
