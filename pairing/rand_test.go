package pairing

import "crypto/rand"

var randReader = rand.Reader
