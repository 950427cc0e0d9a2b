package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// TccliProfile is a profile of the Tencent Cloud CLI: <Dir>/<Name>.credential holds its keys and
// <Dir>/<Name>.configure its region. The SDK's TccliProfileProvider reads only ~/.tccli and no
// region, so the two files are read here.
type TccliProfile struct {
	Name string
	Dir  string
}

// CredentialFile is the file that holds the profile's keys.
func (p TccliProfile) CredentialFile() string { return filepath.Join(p.Dir, p.Name+".credential") }
func (p TccliProfile) configureFile() string  { return filepath.Join(p.Dir, p.Name+".configure") }

// Keys reads the profile's keys; found is false when the profile has no credential file.
func (p TccliProfile) Keys() (keys Credentials, found bool, err error) {
	var file struct {
		SecretID  string `json:"secretId"`
		SecretKey string `json:"secretKey"`
		Token     string `json:"token"`
	}
	found, err = readJSON(p.CredentialFile(), &file)
	if !found || err != nil {
		return nil, found, err
	}
	if file.SecretID == "" || file.SecretKey == "" {
		return nil, true, fmt.Errorf("%s has no secretId or no secretKey; run `tccli configure --profile %s` to write it", p.CredentialFile(), p.Name)
	}
	return Static(file.SecretID, file.SecretKey, file.Token), true, nil
}

// Region reads the profile's region; it is empty when the profile has no configure file or no region.
func (p TccliProfile) Region() (string, error) {
	var file struct {
		SysParam struct {
			Region string `json:"region"`
		} `json:"_sys_param"`
	}
	_, err := readJSON(p.configureFile(), &file)
	return file.SysParam.Region, err
}

// readJSON decodes the JSON file at name into v; found is false when there is no such file.
// Its errors never quote the file's content, which may hold keys.
func readJSON(name string, v any) (found bool, err error) {
	data, err := os.ReadFile(name) //nolint:gosec // the user names this file to be read
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("cannot read %s: %w", name, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return true, fmt.Errorf("%s is not valid JSON (at byte %d), so it is not a tccli profile file", name, syntax.Offset)
		}
		return true, fmt.Errorf("%s does not have the fields of a tccli profile file: %w", name, err)
	}
	return true, nil
}
