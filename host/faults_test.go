package host_test

import "github.com/linuxhcs/hcs/driver/fakedriver"

func fakedriverFailOn(err error, op fakedriver.Op) fakedriver.Option {
	return fakedriver.FailOn(err, op)
}
