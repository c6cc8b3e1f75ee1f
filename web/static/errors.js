// What each core error code means to a person in the field.
const MESSAGES = {
  "invalid-invite": "This invite link is not valid. Check that you copied all of it, or ask for a new link.",
  revoked: "This invite link has been revoked. Ask the person who runs your workspace for a new one.",
  "wrong-version":
    "The server runs a different version of Commonplace than this app. Reload the page while online to update, or ask the person who runs the server.",
  quota:
    "This device cannot store more (storage full or failing). Your latest changes are NOT saved. Free some space, then try again.",
  "not-found": "That note does not exist in this workspace (it may not have synced to this device yet).",
  offline: "You are offline. This needs a connection once; try again when you are back online.",
}

export function explain(err) {
  const m = MESSAGES[err?.code]
  if (m) return m
  return `Something went wrong: ${err?.message ?? err}`
}
