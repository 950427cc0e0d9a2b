package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"reflect"
	"slices"
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

func TestEveryFlagIsInOneGroup(t *testing.T) {
	t.Parallel()
	var o options
	fs := o.flagSet(io.Discard)
	grouped := map[string]int{}
	for _, g := range flagGroups {
		for _, name := range g.flags {
			if fs.Lookup(name) == nil {
				t.Errorf("the group %q names the flag -%s, which does not exist", g.title, name)
			}
			grouped[name]++
		}
	}
	fs.VisitAll(func(f *flag.Flag) {
		if grouped[f.Name] != 1 {
			t.Errorf("the flag -%s is in %d groups of the -help page, want 1", f.Name, grouped[f.Name])
		}
	})
}

// TestHelpShowsEveryGroupWithAnExampleThatRuns checks the -help page, and that each group's
// example is a command line the program takes.
func TestHelpShowsEveryGroupWithAnExampleThatRuns(t *testing.T) {
	t.Parallel()
	var help bytes.Buffer
	if _, err := parseOptions([]string{"-help"}, &help); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-help: %v", err)
	}
	for _, g := range flagGroups {
		if !strings.Contains(help.String(), g.title+"\n") || !strings.Contains(help.String(), "    "+g.example+"\n") {
			t.Errorf("the -help page lacks the group %q or its example:\n%s", g.title, help.String())
		}
		args := strings.Fields(g.example)
		if args[0] != "cvm-emulator" {
			t.Fatalf("the example %q does not run cvm-emulator", g.example)
		}
		if _, err := parseOptions(args[1:], io.Discard); err != nil {
			t.Errorf("the example %q: %v", g.example, err)
		}
	}
	if _, err := parseOptions([]string{"-seed", "3", "ap-guangzhou=10"}, io.Discard); err == nil || !strings.Contains(err.Error(), `unexpected argument "ap-guangzhou=10"`) {
		t.Errorf("a stray argument gave %v", err)
	}
}

// TestLimitFlagsReachTheEmulator: -deny and -rate-limit-across-regions are set as given, and a
// -deny of an action the emulator does not serve is refused with the actions it does.
func TestLimitFlagsReachTheEmulator(t *testing.T) {
	t.Parallel()
	o, err := parseOptions([]string{"-deny", "StopInstances", "-deny", "DescribeInstances", "-rate-limit-across-regions"}, io.Discard)
	if err != nil || !slices.Equal(o.denied, []string{"StopInstances", "DescribeInstances"}) || !o.rateLimitAcrossRegions {
		t.Fatalf("got %v, %+v", err, o)
	}
	_, err = parseOptions([]string{"-deny", "StopInstance"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-deny StopInstance: the emulator serves no such action; it serves ") ||
		!strings.Contains(err.Error(), "StopInstances") {
		t.Fatalf("a -deny of an unknown action gave %v", err)
	}
}

func TestKeyFlagsConfigureSTSAndTheMetadataService(t *testing.T) {
	t.Parallel()
	o, err := parseOptions([]string{
		"-secret-id", "AKIDci", "-secret-key", "ci-key", "-account", "200000000002",
		"-role", "qcs::cam::uin/200000000002:roleName/ci,oidc=github,external-id=build",
		"-role", "qcs::cam::uin/200000000002:roleName/admin,mfa,saml=qcs::cam::uin/200000000002:saml-provider/idp",
		"-web-identity-token", "github=eyJhbGciOiJSUzI1NiJ9.ci.sig", "-web-identity-token", "github=eyJhbGciOiJSUzI1NiJ9.ci-2.sig",
		"-saml-assertion", "qcs::cam::uin/200000000002:saml-provider/idp=PHNhbWw+PC9zYW1sPg==",
		"-mfa-device", "qcs::cam:uin/200000000002::mfa/softToken=123456",
		"-instance-role", "reader", "-instance-role", "writer",
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var got emulator.Config
	o.keys.config(&got)
	want := emulator.Config{
		Keys:    map[string]string{"AKIDci": "ci-key"},
		Account: "200000000002",
		Roles: map[string]emulator.Role{
			"qcs::cam::uin/200000000002:roleName/ci":    {OIDCProvider: "github", ExternalID: "build"},
			"qcs::cam::uin/200000000002:roleName/admin": {MFA: true, SAMLProvider: "qcs::cam::uin/200000000002:saml-provider/idp"},
		},
		WebIdentityTokens: map[string]emulator.WebIdentityToken{
			"eyJhbGciOiJSUzI1NiJ9.ci.sig": {ProviderID: "github"}, "eyJhbGciOiJSUzI1NiJ9.ci-2.sig": {ProviderID: "github"},
		},
		SAMLAssertions: map[string]string{"PHNhbWw+PC9zYW1sPg==": "qcs::cam::uin/200000000002:saml-provider/idp"},
		MFADevices:     map[string]string{"qcs::cam:uin/200000000002::mfa/softToken": "123456"},
		InstanceRoles:  []string{"reader", "writer"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the key flags gave\n%+v\nwant\n%+v", got, want)
	}
}

func TestKeyFlagsRefuseWhatTheyCannotUse(t *testing.T) {
	t.Parallel()
	conditions := "is not one of the conditions external-id=ID, mfa, oidc=PROVIDER, saml=PRINCIPAL_ARN"
	for value, message := range map[string]string{
		"-role=ci,oidc=github":                           `"ci,oidc=github" does not start with a role's ARN`,
		"-role=qcs::cam::uin/1:roleName/ci,trust=anyone": `"trust=anyone" in "qcs::cam::uin/1:roleName/ci,trust=anyone" ` + conditions,
		"-role=qcs::cam::uin/1:roleName/ci,mfa=yes":      `"mfa=yes" in "qcs::cam::uin/1:roleName/ci,mfa=yes" ` + conditions,
		"-role=qcs::cam::uin/1:roleName/ci,oidc":         `"oidc" in "qcs::cam::uin/1:roleName/ci,oidc" ` + conditions,
		"-web-identity-token=github":                     `"github" is not name=value`,
		"-mfa-device==123456":                            `"=123456" is not name=value`,
	} {
		if _, err := parseOptions([]string{value}, io.Discard); err == nil || !strings.Contains(err.Error(), message) {
			t.Errorf("%s gave %v, want an error with %q", value, err, message)
		}
	}
}
