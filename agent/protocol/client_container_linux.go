package protocol

import "context"

// CreateContainer creates a container and starts its init (see CreateContainerRequest).
func (c *Client) CreateContainer(ctx context.Context, req CreateContainerRequest) error {
	return c.call(ctx, TypeCreateContainer, &req, nil, nil)
}

// DeleteContainer kills every process of a container and removes its mounts.
func (c *Client) DeleteContainer(ctx context.Context, id string) error {
	return c.call(ctx, TypeDeleteContainer, &DeleteContainerRequest{ID: id}, nil, nil)
}
