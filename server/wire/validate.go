package wire

import "fmt"

// Validate checks that m has the fields its type needs: the ones a relay
// routes by (senderId, targetId) and the ones a stock client dereferences
// without checking (documentId, non-empty data: a zero-length sync message
// throws in automerge-repo). It returns an error wrapping ErrUnknownType or
// ErrInvalid.
func (m Message) Validate() error { return m.validate(len(m.Data)) }

// validate is Validate for m carrying dataLen bytes of data.
func (m Message) validate(dataLen int) error {
	var buf [5]field // every message's list fits: no allocation per frame
	need := buf[:0]
	switch m.Type {
	case TypeJoin:
		need = append(need, field{"senderId", m.SenderID != ""})
	case TypePeer, TypeError, TypeRemoteSubscriptionChange:
		need = routed(need, m)
	case TypeRequest, TypeSync:
		need = append(routed(need, m), field{"documentId", m.DocumentID != ""}, field{"data", dataLen > 0})
	case TypeDocUnavailable:
		need = append(routed(need, m), field{"documentId", m.DocumentID != ""})
	case TypeEphemeral:
		need = append(routed(need, m), field{"documentId", m.DocumentID != ""},
			field{"sessionId", m.SessionID != ""}, field{"data", dataLen > 0})
	case TypeRemoteHeadsChanged:
		need = append(routed(need, m), field{"documentId", m.DocumentID != ""})
	case "":
		return fmt.Errorf("%w: missing type", ErrUnknownType)
	default:
		return fmt.Errorf("%w: %q", ErrUnknownType, m.Type)
	}
	for _, f := range need {
		if !f.present {
			return fmt.Errorf("%w: %s without %s", ErrInvalid, m.Type, f.name)
		}
	}
	return nil
}

// field is one requirement: a field's CBOR name and whether it is set.
type field struct {
	name    string
	present bool
}

// routed lists the fields every message but join carries.
func routed(dst []field, m Message) []field {
	return append(dst, field{"senderId", m.SenderID != ""}, field{"targetId", m.TargetID != ""})
}
