package client

import "context"

// The synchronous calls below stop when ctx ends, with the error described at
// Operation.Wait: before they are sent if ctx has already ended, else the wait (see
// syncCall). Their documents are decoded and validated once, by the service.

// GetServiceProperties is HcsGetServiceProperties: a ServiceProperties document answering
// the optional Service_PropertyQuery.
func (c *Client) GetServiceProperties(ctx context.Context, propertyQuery string) (string, error) {
	if err := c.check(); err != nil {
		return "", err
	}
	return syncCall(c, ctx, "HcsGetServiceProperties", func(ctx context.Context) (string, error) {
		return c.svc.ServiceProperties(ctx, propertyQuery)
	}, nil)
}

// ModifyServiceSettings is HcsModifyServiceSettings with a ModificationRequest document.
func (c *Client) ModifyServiceSettings(ctx context.Context, settings string) error {
	if err := c.check(); err != nil {
		return err
	}
	return syncNone(c, ctx, "HcsModifyServiceSettings", func(ctx context.Context) error {
		return c.svc.ModifyServiceSettings(ctx, settings)
	})
}

// SubmitWerReport is HcsSubmitWerReport with a CrashReport document.
func (c *Client) SubmitWerReport(ctx context.Context, settings string) error {
	if err := c.check(); err != nil {
		return err
	}
	return syncNone(c, ctx, "HcsSubmitWerReport", func(ctx context.Context) error {
		return c.svc.SubmitWerReport(ctx, settings)
	})
}
