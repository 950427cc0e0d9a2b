package provider

import (
	"bytes"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// encodeState is the data source's state as the protocol carries it (a DynamicValue: msgpack, an
// object's attributes by name, in name order): the arguments as config gives them, and the
// computed attributes written straight from what the read found, statuses (in the order of
// `instances`) and missing.
//
// It is written here rather than built as tftypes values and encoded by terraform-plugin-go,
// because that is what the provider's memory and time went to: a map per instance to build the
// values, then an attribute path allocated for every value encoded, about 27 KB per instance of
// 23 attributes written twice (`instances`, `instances_by_id`), 0.5 s and 300 MB at 10,000
// instances (BenchmarkReadDataSource). Written directly, each instance costs its bytes.
func encodeState(config tftypes.Value, statuses []cvm.Status, missing []string) (*tfprotov6.DynamicValue, error) {
	var args map[string]tftypes.Value
	if err := config.As(&args); err != nil {
		return nil, err
	}
	schemaType, ok := config.Type().(tftypes.Object)
	if !ok {
		return nil, fmt.Errorf("the configuration is %s, not an object", config.Type())
	}
	var buf bytes.Buffer
	buf.Grow(len(statuses) * bytesPerInstance(statuses))
	enc := msgpack.NewEncoder(&buf)
	names := slices.Sorted(maps.Keys(schemaType.AttributeTypes))
	if err := enc.EncodeMapLen(len(names)); err != nil {
		return nil, err
	}
	writeState := func(enc *msgpack.Encoder, s cvm.Status) error { return enc.EncodeString(s.State) }
	for _, name := range names {
		if err := enc.EncodeString(name); err != nil {
			return nil, err
		}
		var err error
		switch name {
		case "instances":
			err = writeList(enc, statuses, writeInstance)
		case "instances_by_id":
			err = writeByID(enc, statuses, writeInstance)
		case "states":
			err = writeByID(enc, statuses, writeState)
		case "missing_ids":
			err = writeStrings(enc, missing)
		case "state_counts":
			err = writeCounts(enc, statuses)
		default: // an argument, as the configuration gives it
			var arg tfprotov6.DynamicValue
			if arg, err = tfprotov6.NewDynamicValue(schemaType.AttributeTypes[name], args[name]); err == nil {
				_, err = buf.Write(arg.MsgPack)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return &tfprotov6.DynamicValue{MsgPack: buf.Bytes()}, nil
}

// bytesPerInstance is about how many bytes each instance takes in the state, so that the buffer
// is made once at about its size rather than doubled as it fills: twice its attributes, with
// their names, and its state in `states`.
func bytesPerInstance(statuses []cvm.Status) int {
	if len(statuses) > 0 && statuses[0].Details != nil {
		return 1200
	}
	return 700
}

func writeList(enc *msgpack.Encoder, statuses []cvm.Status, write func(*msgpack.Encoder, cvm.Status) error) error {
	if err := enc.EncodeArrayLen(len(statuses)); err != nil {
		return err
	}
	for _, s := range statuses {
		if err := write(enc, s); err != nil {
			return err
		}
	}
	return nil
}

// writeByID writes a map from each instance's ID to what write writes of it.
func writeByID(enc *msgpack.Encoder, statuses []cvm.Status, write func(*msgpack.Encoder, cvm.Status) error) error {
	if err := enc.EncodeMapLen(len(statuses)); err != nil {
		return err
	}
	for _, s := range statuses {
		if err := enc.EncodeString(s.ID); err != nil {
			return err
		}
		if err := write(enc, s); err != nil {
			return err
		}
	}
	return nil
}

func writeStrings(enc *msgpack.Encoder, values []string) error {
	if err := enc.EncodeArrayLen(len(values)); err != nil {
		return err
	}
	for _, v := range values {
		if err := enc.EncodeString(v); err != nil {
			return err
		}
	}
	return nil
}

// writeStringMap writes m with its keys in order, so that a state is the same bytes every time.
func writeStringMap(enc *msgpack.Encoder, m map[string]string) error {
	return writeSortedMap(enc, m, enc.EncodeString)
}

// writeCounts writes how many instances are in each state that occurs.
func writeCounts(enc *msgpack.Encoder, statuses []cvm.Status) error {
	counts := map[string]int64{}
	for _, s := range statuses {
		counts[s.State]++
	}
	return writeSortedMap(enc, counts, enc.EncodeInt)
}

func writeSortedMap[V any](enc *msgpack.Encoder, m map[string]V, write func(V) error) error {
	if err := enc.EncodeMapLen(len(m)); err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if err := enc.EncodeString(k); err != nil {
			return err
		}
		if err := write(m[k]); err != nil {
			return err
		}
	}
	return nil
}
