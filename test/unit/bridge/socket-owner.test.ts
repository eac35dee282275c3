import { test } from "node:test";
import assert from "node:assert/strict";
import { groupId } from "../../../bridge/src/prosody/socket-owner.js";

const GROUPS = "root:x:0:\nprosody:x:112:\nstaff:x:50:alice,bob\n";

test("group names resolve through /etc/group; numbers are gids", () => {
  assert.equal(groupId("prosody", GROUPS), 112);
  assert.equal(groupId("staff", GROUPS), 50);
  assert.equal(groupId("1234", GROUPS), 1234);
  assert.equal(groupId("nobody-here", GROUPS), undefined);
  assert.equal(groupId("pro", GROUPS), undefined); // no prefix matches
});
