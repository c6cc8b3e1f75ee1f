package crdt

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

var (
	typeMap     = reflect.TypeFor[*Map]()
	typeList    = reflect.TypeFor[*List]()
	typeText    = reflect.TypeFor[*Text]()
	typeCounter = reflect.TypeFor[*Counter]()
	typeTime    = reflect.TypeFor[time.Time]()
	typeBytes   = reflect.TypeFor[[]byte]()
)

// normalize converts a Go value into one of the types the writers handle:
// nil, bool, string, []byte, int64, uint64, float64, time.Time, []any,
// map[string]any, *Map, *List, *Text or *Counter. As in automerge-go, int64
// and uint64 keep their types and other numbers become float64; structs
// become maps (honouring `automerge:"name"` tags and `automerge:"-"`).
func normalize(value any) (any, error) {
	if value == nil {
		return nil, nil
	}
	rv := reflect.ValueOf(value)
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		return float64(rv.Int()), nil
	case reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return float64(rv.Uint()), nil
	case reflect.Uint64:
		return rv.Uint(), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Interface:
		return normalize(rv.Elem().Interface())
	case reflect.Pointer:
		switch rv.Type() {
		case typeMap, typeList, typeText, typeCounter:
			return value, nil
		}
		if rv.IsNil() {
			return nil, nil
		}
		return normalize(rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			out := make([]byte, rv.Len())
			for i := range out {
				out[i] = byte(rv.Index(i).Uint())
			}
			return out, nil
		}
		out := []any{}
		for i := 0; i < rv.Len(); i++ {
			v, err := normalize(rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("crdt: unsupported map, must have string keys")
		}
		out := map[string]any{}
		for it := rv.MapRange(); it.Next(); {
			v, err := normalize(it.Value().Interface())
			if err != nil {
				return nil, err
			}
			out[it.Key().String()] = v
		}
		return out, nil
	case reflect.Struct:
		t := rv.Type()
		if t == typeTime {
			return value, nil
		}
		out := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			name, omit := fieldName(t.Field(i))
			if omit {
				continue
			}
			v, err := normalize(rv.Field(i).Interface())
			if err != nil {
				return nil, err
			}
			out[name] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("crdt: unsupported type %v", rv.Kind())
}

// fieldName returns the map key for a struct field and whether to skip it.
func fieldName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("automerge")
	if tag == "-" || !f.IsExported() {
		return "", true
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, false
}

// As converts v to type T.
// If the v cannot be converted to T, an error will be returned.
// T can be any of the automerge builtin types ([*Map], [*List], [*Counter], [*Text]),
// or any type that v's underlying value could be converted to. This conversion
// works generously, so that (for example) T could be any numeric type that v's value
// fits in, or if v.IsNull() then the 0-value of T will be returned.
//
// To make it easier to wrap a call to Get(), when an not-nil error is passed
// as a second argument, As will return (nil, err)
func As[T any](v *Value, errs ...error) (ret T, err error) {
	if len(errs) > 0 && errs[0] != nil {
		return ret, errs[0]
	}
	err = unmarshal(reflect.ValueOf(&ret).Elem(), v)
	return ret, err
}

// number converts a numeric Value to T if it is exactly representable.
func number[T int64 | uint64 | float64](v *Value, overflows func(T) bool) (T, bool) {
	var t T
	switch v.Kind() {
	case KindFloat64:
		f := v.Float64()
		t = T(f)
		return t, float64(t) == f && !overflows(t)
	case KindInt64:
		i := v.Int64()
		t = T(i)
		return t, (t > 0) == (i > 0) && !overflows(t)
	case KindUint64:
		u := v.Uint64()
		t = T(u)
		return t, t > 0 && !overflows(t)
	case KindCounter:
		i := v.Counter().val
		t = T(i)
		return t, (t > 0) == (i > 0) && !overflows(t)
	}
	return t, false
}

func unmarshal(rv reflect.Value, v *Value) error {
	switch rv.Kind() {
	case reflect.Bool:
		if v.Kind() == KindBool {
			rv.SetBool(v.Bool())
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := number[int64](v, rv.OverflowInt); ok {
			rv.SetInt(n)
			return nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := number[uint64](v, rv.OverflowUint); ok {
			rv.SetUint(n)
			return nil
		}
	case reflect.Float32, reflect.Float64:
		if n, ok := number[float64](v, rv.OverflowFloat); ok {
			rv.SetFloat(n)
			return nil
		}
	case reflect.String:
		switch v.Kind() {
		case KindStr:
			rv.SetString(v.Str())
			return nil
		case KindText:
			s, err := v.Text().Get()
			if err != nil {
				return err
			}
			rv.SetString(s)
			return nil
		}
	case reflect.Interface:
		val := reflect.ValueOf(v.Interface())
		if !val.IsValid() {
			val = reflect.Zero(rv.Type())
		}
		rv.Set(val)
		return nil
	case reflect.Pointer:
		switch {
		case rv.Type() == typeMap && v.Kind() == KindMap,
			rv.Type() == typeList && v.Kind() == KindList,
			rv.Type() == typeCounter && v.Kind() == KindCounter,
			rv.Type() == typeText && v.Kind() == KindText:
			rv.Set(reflect.ValueOf(v.val))
			return nil
		}
		r := reflect.New(rv.Type().Elem())
		if err := unmarshal(r.Elem(), v); err != nil {
			return err
		}
		rv.Set(r)
		return nil
	case reflect.Slice:
		if v.Kind() == KindBytes && rv.Type().AssignableTo(typeBytes) {
			rv.Set(reflect.ValueOf(v.Bytes()))
			return nil
		}
		if v.Kind() != KindList {
			break
		}
		vals, err := v.List().Values()
		if err != nil {
			return err
		}
		out := reflect.MakeSlice(rv.Type(), 0, len(vals))
		for _, lv := range vals {
			e := reflect.New(rv.Type().Elem()).Elem()
			if err := unmarshal(e, lv); err != nil {
				return err
			}
			out = reflect.Append(out, e)
		}
		rv.Set(out)
		return nil
	case reflect.Array:
		if v.Kind() != KindList {
			break
		}
		vals, err := v.List().Values()
		if err != nil {
			return err
		}
		for i := 0; i < min(len(vals), rv.Len()); i++ {
			if err := unmarshal(rv.Index(i), vals[i]); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if v.Kind() != KindMap {
			return fmt.Errorf("crdt: cannot unmarshal %s into %s", v.Kind(), rv.Type())
		}
		if rv.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("crdt: unsupported map, must have string keys")
		}
		vals, err := v.Map().Values()
		if err != nil {
			return err
		}
		out := reflect.MakeMapWithSize(rv.Type(), len(vals))
		for k, mv := range vals {
			key := reflect.New(rv.Type().Key()).Elem()
			key.SetString(k)
			e := reflect.New(rv.Type().Elem()).Elem()
			if err := unmarshal(e, mv); err != nil {
				return err
			}
			out.SetMapIndex(key, e)
		}
		rv.Set(out)
		return nil
	case reflect.Struct:
		if v.Kind() == KindTime && rv.Type().AssignableTo(typeTime) {
			rv.Set(reflect.ValueOf(v.Time()))
			return nil
		}
		if v.Kind() != KindMap {
			return fmt.Errorf("crdt: cannot unmarshal %s into %s", v.Kind(), rv.Type())
		}
		vals, err := v.Map().Values()
		if err != nil {
			return err
		}
		s := reflect.New(rv.Type()).Elem()
		for i := 0; i < rv.Type().NumField(); i++ {
			name, omit := fieldName(rv.Type().Field(i))
			if omit {
				continue
			}
			if mv, ok := vals[name]; ok {
				if err := unmarshal(s.Field(i), mv); err != nil {
					return err
				}
			}
		}
		rv.Set(s)
		return nil
	default:
		return fmt.Errorf("crdt: unsupported type %v", rv.Kind())
	}
	return fmt.Errorf("crdt: cannot unmarshal %s into %s", v.Kind(), rv.Type())
}
