package client

import "github.com/linuxhcs/hcs/schema"

// GetServiceProperties is HcsGetServiceProperties: a ServiceProperties document answering
// the optional Service_PropertyQuery.
func (c *Client) GetServiceProperties(propertyQuery string) (string, error) {
	if err := c.check(); err != nil {
		return "", err
	}
	if err := parseDoc[schema.ServicePropertyQuery]("Service_PropertyQuery", propertyQuery, true); err != nil {
		return "", err
	}
	doc, err := c.svc.ServiceProperties(background(), propertyQuery)
	return doc, c.serviceErr(err)
}

// ModifyServiceSettings is HcsModifyServiceSettings with a ModificationRequest document.
func (c *Client) ModifyServiceSettings(settings string) error {
	if err := c.check(); err != nil {
		return err
	}
	if err := parseDoc[schema.ModificationRequest]("ModificationRequest", settings, false); err != nil {
		return err
	}
	return c.serviceErr(c.svc.ModifyServiceSettings(background(), settings))
}

// SubmitWerReport is HcsSubmitWerReport with a CrashReport document.
func (c *Client) SubmitWerReport(settings string) error {
	if err := c.check(); err != nil {
		return err
	}
	if err := parseDoc[schema.CrashReport]("CrashReport", settings, false); err != nil {
		return err
	}
	return c.serviceErr(c.svc.SubmitWerReport(background(), settings))
}
