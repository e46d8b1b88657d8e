package client

// GetServiceProperties is HcsGetServiceProperties: a ServiceProperties document answering
// the optional Service_PropertyQuery.
func (c *Client) GetServiceProperties(propertyQuery string) (string, error) {
	if err := c.check(); err != nil {
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
	return c.serviceErr(c.svc.ModifyServiceSettings(background(), settings))
}

// SubmitWerReport is HcsSubmitWerReport with a CrashReport document.
func (c *Client) SubmitWerReport(settings string) error {
	if err := c.check(); err != nil {
		return err
	}
	return c.serviceErr(c.svc.SubmitWerReport(background(), settings))
}
