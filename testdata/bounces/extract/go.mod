module github.com/opptimaotel/opptimareceiver/testdata/bounces/extract

go 1.26

require libsisimai.org/sisimai v0.0.0

require (
	golang.org/x/net v0.35.0 // indirect
	golang.org/x/text v0.22.0 // indirect
)

replace libsisimai.org/sisimai => ../../../../go-sisimai
