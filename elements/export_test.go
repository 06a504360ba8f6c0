package elements

// RegistryCount returns how many Contexts have rule registries, for tests.
func RegistryCount() int {
	n := 0
	registries.Range(func(any, any) bool { n++; return true })
	return n
}
