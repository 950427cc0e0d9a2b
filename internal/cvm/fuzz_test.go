package cvm

import (
	"strings"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/json"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// FuzzCheck feeds arbitrary answers, decoded as the SDK decodes them, to the check every
// answer goes through. It must never panic, and what it accepts must be a well-formed page.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(`{"Response":{"TotalCount":2,"InstanceStatusSet":[{"InstanceId":"ins-r8hr2upy","InstanceState":"RUNNING"},{"InstanceId":"ins-5d8a23rs","InstanceState":"STOPPED"}],"RequestId":"6EF60BEC-0242-43AF-BB20-270359FB54A7"}}`), uint16(0), false)
	f.Add([]byte(`{"Response":{"TotalCount":250,"InstanceStatusSet":[{"InstanceId":"ins-r8hr2upy","InstanceState":"RUNNING"}],"RequestId":"x"}}`), uint16(200), false)
	f.Add([]byte(`{"Response":{"TotalCount":1,"InstanceStatusSet":[{"InstanceId":"ins-r8hr2upy","InstanceState":"HIBERNATING"}],"RequestId":"x"}}`), uint16(0), true)
	f.Add([]byte(`{"Response":{"TotalCount":1,"InstanceStatusSet":[null],"RequestId":"x"}}`), uint16(0), false)
	f.Add([]byte(`{"Response":{"TotalCount":-5,"InstanceStatusSet":[],"RequestId":"x"}}`), uint16(0), false)
	f.Add([]byte(`{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"x"}}`), uint16(0), false)
	f.Fuzz(func(t *testing.T, body []byte, offset uint16, byID bool) {
		var resp cvmapi.DescribeInstancesStatusResponse
		if json.Unmarshal(body, &resp) != nil {
			return
		}
		q := query{offset: int(offset)}
		if byID {
			q = query{ids: []string{"ins-r8hr2upy", "ins-5d8a23rs"}}
		}
		p, err := checkPage(statusAnswer(resp.Response), q)
		if err != nil {
			return
		}
		if want := min(pageSize, max(0, p.total-q.offset)); len(p.statuses) != want {
			t.Fatalf("accepted a page of %d entries at offset %d of %d", len(p.statuses), q.offset, p.total)
		}
		seen := map[string]bool{}
		for _, s := range p.statuses {
			if !InstanceIDPattern.MatchString(s.ID) || s.State == "" || seen[s.ID] {
				t.Fatalf("accepted the entry %+v", s)
			}
			seen[s.ID] = true
			if byID && s.ID != "ins-r8hr2upy" && s.ID != "ins-5d8a23rs" {
				t.Fatalf("accepted %s, which was not asked for", s.ID)
			}
		}
	})
}

// FuzzInstanceIDPattern checks the pattern that validates instance_ids at plan time and every
// ID in an answer against the rule it encodes, written out by hand.
func FuzzInstanceIDPattern(f *testing.F) {
	for _, seed := range []string{"ins-r8hr2upy", "ins-1122", "ins-R8HR2UPY", "ins-r8hr2upy\n", "xins-r8hr2upy", "ins-r8hr2upyy", "ins-ab_def12", "ins-r8hr2üpy", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		rest, hasPrefix := strings.CutPrefix(id, "ins-")
		want := hasPrefix && len(rest) == 8 && strings.Trim(rest, "abcdefghijklmnopqrstuvwxyz0123456789") == ""
		if got := InstanceIDPattern.MatchString(id); got != want {
			t.Fatalf("%q: the pattern says %v, the rule %v", id, got, want)
		}
	})
}
