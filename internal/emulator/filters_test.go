package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// filtered lists every instance DescribeInstances finds with filters, page by page, by ID.
func filtered(t *testing.T, c *cvmapi.Client, filters map[string][]string) []string {
	t.Helper()
	ids, err := tryFiltered(c, filters)
	if err != nil {
		t.Fatalf("filters %v: %v", filters, err)
	}
	return ids
}

func tryFiltered(c *cvmapi.Client, filters map[string][]string) ([]string, error) {
	var ids []string
	for offset := int64(0); ; offset += 100 {
		req := cvmapi.NewDescribeInstancesRequest()
		for _, name := range slices.Sorted(maps.Keys(filters)) {
			req.Filters = append(req.Filters, &cvmapi.Filter{Name: common.StringPtr(name), Values: common.StringPtrs(filters[name])})
		}
		req.Offset, req.Limit = common.Int64Ptr(offset), common.Int64Ptr(100)
		resp, err := c.DescribeInstancesWithContext(context.Background(), req)
		if err != nil {
			return nil, err
		}
		for _, inst := range resp.Response.InstanceSet {
			ids = append(ids, *inst.InstanceId)
		}
		if offset+100 >= *resp.Response.TotalCount {
			slices.Sort(ids)
			return ids, nil
		}
	}
}

// where are the IDs of the fleet's instances for which keep holds, sorted.
func where(fleet []emulator.Instance, keep func(emulator.Instance) bool) []string {
	var ids []string
	for _, inst := range fleet {
		if keep(inst) {
			ids = append(ids, inst.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestFiltersSelectByEveryName(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	special := []emulator.Instance{
		{ID: "ins-cdh00001", State: "RUNNING", Name: "cdh-worker", HostID: "host-abcd1234", IPv6s: []string{"2402:4e00:1::1"}, CreatedTime: created},
		{ID: "ins-cdc00001", State: "STOPPED", Name: "cdc-worker", DedicatedClusterID: "cluster-xyz1234", ChargeType: "CDHPAID"},
	}
	emu, srv := start(t, emulator.Config{Fleets: map[string]int{region: 400}, Seed: 21,
		Instances: map[string][]emulator.Instance{region: special}, Prepaid: []string{"ins-cdc00001"}})
	c := client(t, srv, secretID, secretKey, nil)
	fleet := emu.Fleet(region)
	some := fleet[7]
	tagged := fleet[slices.IndexFunc(fleet, func(inst emulator.Instance) bool { return len(inst.Tags) > 0 })]

	for _, tc := range []struct {
		name, value string
		keep        func(emulator.Instance) bool
	}{
		{"zone", some.Zone, func(i emulator.Instance) bool { return i.Zone == some.Zone }},
		{"project-id", strconv.FormatInt(some.ProjectID, 10), func(i emulator.Instance) bool { return i.ProjectID == some.ProjectID }},
		{"host-id", "host-abcd1234", func(i emulator.Instance) bool { return i.ID == "ins-cdh00001" }},
		{"dedicated-cluster-id", "cluster-xyz1234", func(i emulator.Instance) bool { return i.ID == "ins-cdc00001" }},
		{"vpc-id", some.VpcID, func(i emulator.Instance) bool { return i.VpcID == some.VpcID }},
		{"subnet-id", some.SubnetID, func(i emulator.Instance) bool { return i.SubnetID == some.SubnetID }},
		{"instance-id", some.ID, func(i emulator.Instance) bool { return i.ID == some.ID }},
		{"uuid", some.UUID, func(i emulator.Instance) bool { return i.ID == some.ID }},
		{"security-group-id", some.SecurityGroupIDs[0], func(i emulator.Instance) bool { return slices.Contains(i.SecurityGroupIDs, some.SecurityGroupIDs[0]) }},
		// A part of a name: web-1 is also in web-10, web-11, ...
		{"instance-name", "web-1", func(i emulator.Instance) bool { return strings.Contains(i.Name, "web-1") }},
		// Config.Prepaid makes an instance PREPAID, whatever it was put as.
		{"instance-charge-type", "PREPAID", func(i emulator.Instance) bool { return i.ID == "ins-cdc00001" }},
		{"instance-charge-type", "POSTPAID_BY_HOUR", func(i emulator.Instance) bool { return i.ChargeType == "POSTPAID_BY_HOUR" }},
		{"instance-state", "STOPPED", func(i emulator.Instance) bool { return i.State == "STOPPED" }},
		{"private-ip-address", some.PrivateIPs[0], func(i emulator.Instance) bool { return slices.Contains(i.PrivateIPs, some.PrivateIPs[0]) }},
		{"public-ip-address", fleet[slices.IndexFunc(fleet, func(i emulator.Instance) bool { return len(i.PublicIPs) > 0 })].PublicIPs[0], nil},
		{"ipv6-address", "2402:4e00:1::1", func(i emulator.Instance) bool { return i.ID == "ins-cdh00001" }},
		{"tag-key", "team", func(i emulator.Instance) bool { _, ok := i.Tags["team"]; return ok }},
		{"tag-value", tagged.Tags["env"], func(i emulator.Instance) bool {
			return slices.Contains(slices.Collect(maps.Values(i.Tags)), tagged.Tags["env"])
		}},
		{"tag:env", tagged.Tags["env"], func(i emulator.Instance) bool { return i.Tags["env"] == tagged.Tags["env"] }},
		{"creation-start-time", "2026-03-01 12:00:00", func(i emulator.Instance) bool { return !i.CreatedTime.Before(created) }},
		{"creation-end-time", "2025-01-06 09:00:00", func(i emulator.Instance) bool {
			return !i.CreatedTime.After(time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC))
		}},
	} {
		keep := tc.keep
		if keep == nil {
			keep = func(i emulator.Instance) bool { return slices.Contains(i.PublicIPs, tc.value) }
		}
		want := where(fleet, keep)
		if len(want) == 0 || len(want) == len(fleet) {
			t.Fatalf("%s = %s: %d of %d instances match, which tests nothing", tc.name, tc.value, len(want), len(fleet))
		}
		if got := filtered(t, c, map[string][]string{tc.name: {tc.value}}); !slices.Equal(got, want) {
			t.Errorf("%s = %s found %d instances %v, want %d %v", tc.name, tc.value, len(got), got, len(want), want)
		}
	}
}

func TestFiltersOrValuesAndFilters(t *testing.T) {
	t.Parallel()
	emu, srv := start(t, emulator.Config{Fleets: map[string]int{region: 500}, Seed: 22})
	c := client(t, srv, secretID, secretKey, nil)
	fleet := emu.Fleet(region)
	zones := emulator.Zones(region)[:2]
	got := filtered(t, c, map[string][]string{"zone": zones, "tag:env": {"dev", "staging"}, "instance-state": {"RUNNING"}})
	want := where(fleet, func(i emulator.Instance) bool {
		return slices.Contains(zones, i.Zone) && (i.Tags["env"] == "dev" || i.Tags["env"] == "staging") && i.State == "RUNNING"
	})
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("found %v, want %v", got, want)
	}
}

func TestFilterErrors(t *testing.T) {
	t.Parallel()
	_, srv := start(t, emulator.Config{Fleets: map[string]int{region: 10}})
	c := client(t, srv, secretID, secretKey, nil)
	eleven := map[string][]string{}
	for i := range 11 {
		eleven["tag:k"+strconv.Itoa(i)] = []string{"v"}
	}
	for _, tc := range []struct {
		filters map[string][]string
		code    string
	}{
		{map[string][]string{"color": {"red"}}, "InvalidFilter"},
		{map[string][]string{"tag:": {"red"}}, "InvalidFilter"},
		{map[string][]string{"zone": {"a", "b", "c", "d", "e", "f"}}, "InvalidFilterValue.LimitExceeded"},
		{eleven, "InvalidParameterValue.LimitExceeded"},
		{map[string][]string{"zone": {"ap-shanghai-2"}}, "InvalidZone.MismatchRegion"},
		{map[string][]string{"vpc-id": {"vpc-1"}}, "InvalidParameterValue.VpcIdMalformed"},
		{map[string][]string{"subnet-id": {"net-12345678"}}, "InvalidParameterValue.SubnetIdMalformed"},
		{map[string][]string{"instance-id": {"i-12345678"}}, "InvalidInstanceId.Malformed"},
		{map[string][]string{"uuid": {"not-a-uuid"}}, "InvalidParameterValue.UuidMalformed"},
		{map[string][]string{"host-id": {"host-1"}}, "InvalidHostId.Malformed"},
		{map[string][]string{"security-group-id": {"sg-1"}}, "InvalidSgId.Malformed"},
		{map[string][]string{"private-ip-address": {"10.0.0"}}, "InvalidParameterValue.IPAddressMalformed"},
		{map[string][]string{"ipv6-address": {"10.0.0.1"}}, "InvalidParameterValue.IPv6AddressMalformed"},
		{map[string][]string{"creation-start-time": {"2023-06-01T00:00:00Z"}}, "InvalidParameterValue.InvalidTimeFormat"},
		{map[string][]string{"instance-name": {strings.Repeat("n", 129)}}, "InvalidParameterValue.InvalidVagueName"},
		{map[string][]string{"project-id": {"default"}}, "InvalidParameterValue"},
		{map[string][]string{"zone": {}}, "InvalidParameterValue"},
	} {
		_, err := tryFiltered(c, tc.filters)
		wantCode(t, err, tc.code)
	}
	// InstanceIds and Filters together.
	req := cvmapi.NewDescribeInstancesRequest()
	req.InstanceIds = common.StringPtrs([]string{"ins-12345678"})
	req.Filters = []*cvmapi.Filter{{Name: common.StringPtr("zone"), Values: common.StringPtrs([]string{region + "-1"})}}
	_, err := c.DescribeInstancesWithContext(context.Background(), req)
	wantCode(t, err, "InvalidParameter")
}

// TestDescribeInstancesAnswersEveryField: each instance of an answer has every field of the SDK's
// Instance object and of the objects in it, so that no client finds one missing.
func TestDescribeInstancesAnswersEveryField(t *testing.T) {
	t.Parallel()
	_, srv := start(t, emulator.Config{Fleets: map[string]int{region: 3}})
	var answer []byte
	c := client(t, srv, secretID, secretKey, nil)
	c.WithHttpTransport(capture(func(b []byte) { answer = b }))
	if _, err := c.DescribeInstancesWithContext(context.Background(), cvmapi.NewDescribeInstancesRequest()); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Response struct{ InstanceSet []map[string]json.RawMessage }
	}
	if err := json.Unmarshal(answer, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Response.InstanceSet) != 3 {
		t.Fatalf("%d instances answered, want 3", len(body.Response.InstanceSet))
	}
	for _, inst := range body.Response.InstanceSet {
		expectFields(t, "Instance", reflect.TypeOf(cvmapi.Instance{}), inst)
	}
}

// capture is a transport that hands each answer's body to keep.
type capture func([]byte)

func (keep capture) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	keep(body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, err
}

// expectFields checks that object has every JSON field of typ, and so on into the objects in it.
func expectFields(t *testing.T, where string, typ reflect.Type, object map[string]json.RawMessage) {
	t.Helper()
	for field := range typ.Fields() {
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		value, ok := object[name]
		if !ok || string(value) == "null" {
			t.Errorf("%s.%s is missing", where, name)
			continue
		}
		elem := field.Type
		for elem.Kind() == reflect.Pointer || elem.Kind() == reflect.Slice {
			elem = elem.Elem()
		}
		if elem.Kind() != reflect.Struct {
			continue
		}
		var nested []map[string]json.RawMessage
		if field.Type.Kind() == reflect.Slice {
			if err := json.Unmarshal(value, &nested); err != nil {
				t.Errorf("%s.%s: %v", where, name, err)
			}
		} else {
			var one map[string]json.RawMessage
			if err := json.Unmarshal(value, &one); err != nil {
				t.Errorf("%s.%s: %v", where, name, err)
			}
			nested = append(nested, one)
		}
		for _, n := range nested {
			expectFields(t, where+"."+name, elem, n)
		}
	}
}
