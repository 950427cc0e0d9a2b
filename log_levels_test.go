package main

import (
	"maps"
	"testing"
)

func TestKeptLogLevels(t *testing.T) {
	t.Parallel()
	all := func(level string) map[string]string {
		levels := map[string]string{}
		for _, name := range providerLogVariables {
			levels[name] = level
		}
		return levels
	}
	for name, tc := range map[string]struct {
		env  map[string]string
		want map[string]string
	}{
		"Terraform drops every line":        {env: map[string]string{}, want: all("OFF")},
		"TF_LOG_PATH alone keeps no line":   {env: map[string]string{"TF_LOG_PATH": "tf.log"}, want: all("OFF")},
		"TF_LOG":                            {env: map[string]string{"TF_LOG": "DEBUG"}, want: all("DEBUG")},
		"TF_LOG_PROVIDER over TF_LOG":       {env: map[string]string{"TF_LOG": "TRACE", "TF_LOG_PROVIDER": "INFO"}, want: all("INFO")},
		"TF_LOG=JSON passes as it is":       {env: map[string]string{"TF_LOG": "JSON"}, want: all("JSON")},
		"TF_TEMP_LOG_PATH keeps every line": {env: map[string]string{"TF_TEMP_LOG_PATH": "/tmp/crash.log"}},
		"the user set the SDK's level":      {env: map[string]string{"TF_LOG_SDK_PROTO": "TRACE"}},
		"the user set the provider's level": {env: map[string]string{"TF_LOG_PROVIDER_QCLOUD": "DEBUG", "TF_LOG": "INFO"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := keptLogLevels(func(name string) string { return tc.env[name] })
			if !maps.Equal(got, tc.want) {
				t.Errorf("keptLogLevels(%v) = %v, want %v", tc.env, got, tc.want)
			}
		})
	}
}
