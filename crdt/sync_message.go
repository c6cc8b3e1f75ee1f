package crdt

import "github.com/commonplace/commonplace/crdt/syncproto"

// SyncMessage is sent between peers to keep copies of a document in sync.
type SyncMessage struct {
	msg *syncproto.Message
}

// Changes returns any changes included in this SyncMessage. A message
// carrying a whole document yields the changes rebuilt from it; chunks
// that do not decode are left out (ReceiveMessage reports them).
func (sm *SyncMessage) Changes() []*Change {
	var out []*Change
	for _, chunk := range sm.msg.Changes {
		chs, err := loadChunks(chunk)
		if err != nil {
			continue
		}
		out = append(out, chs...)
	}
	return out
}

// Heads gives the heads of the peer that generated the SyncMessage
func (sm *SyncMessage) Heads() []ChangeHash {
	return fromFormatHashes(sm.msg.Heads)
}

// Bytes returns a representation for sending over the network.
func (sm *SyncMessage) Bytes() []byte {
	if sm == nil {
		return nil
	}
	return sm.msg.Encode()
}
