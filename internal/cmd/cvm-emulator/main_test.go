package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

func TestParseInstanceTakesAttributes(t *testing.T) {
	t.Parallel()
	got, err := parseInstance("ap-guangzhou:ins-web00001=RUNNING,name=web-1,zone=ap-guangzhou-3,project=1001,tag:env=prod,tag:role=web,public=203.0.113.7")
	if err != nil {
		t.Fatal(err)
	}
	want := regionInstance{region: "ap-guangzhou", Instance: emulator.Instance{
		ID: "ins-web00001", State: "RUNNING", Name: "web-1", Zone: "ap-guangzhou-3", ProjectID: 1001,
		Tags: map[string]string{"env": "prod", "role": "web"}, PublicIPs: []string{"203.0.113.7"},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parsed %+v, want %+v", got, want)
	}
}

func TestParseInstanceRefusesUnknownAttributes(t *testing.T) {
	t.Parallel()
	for value, message := range map[string]string{
		"ap-guangzhou:ins-web00001=RUNNING,shade=red":    `"shade=red" in "ap-guangzhou:ins-web00001=RUNNING,shade=red" is not attribute=value with one of the attributes charge, image, name,`,
		"ap-guangzhou:ins-web00001=RUNNING,project=core": `"project=core" in "ap-guangzhou:ins-web00001=RUNNING,project=core": strconv.ParseInt`,
		"mars-1:ins-web00001=RUNNING":                    `is not region:ins-xxxxxxxx=STATE[,attribute=value...] with a known region`,
	} {
		if _, err := parseInstance(value); err == nil || !strings.Contains(err.Error(), message) {
			t.Errorf("parseInstance(%q) = %v, want an error with %q", value, err, message)
		}
	}
}
