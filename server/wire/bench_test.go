package wire

import "testing"

func BenchmarkDecode(b *testing.B) {
	for _, g := range loadGolden(b) {
		if g.name != "c2s-sync" && g.name != "s2c-remote-heads-changed" {
			continue
		}
		b.Run(g.name, func(b *testing.B) {
			b.SetBytes(int64(len(g.frame)))
			for b.Loop() {
				if _, err := Decode(g.frame); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	m := Message{Type: TypeSync, SenderID: "storage-server", TargetID: "peer-8vfp4gs0j",
		DocumentID: "2v3rkia9QeE2R9cBqPSwB1RjJmDw", Data: make([]byte, 4096)}
	for b.Loop() {
		if _, err := Encode(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeData is BenchmarkEncode with the data written into the
// frame by EncodeData.
func BenchmarkEncodeData(b *testing.B) {
	m := Message{Type: TypeSync, SenderID: "storage-server", TargetID: "peer-8vfp4gs0j",
		DocumentID: "2v3rkia9QeE2R9cBqPSwB1RjJmDw"}
	data := rawData{b: make([]byte, 4096)}
	for b.Loop() {
		if _, err := defaultCodec.EncodeData(m, data); err != nil {
			b.Fatal(err)
		}
	}
}
