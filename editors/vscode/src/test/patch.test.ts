// Rebuilding a revision's text from the server's unified diff and the project's copy.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import { isAdded, isBinary, isDeleted, oldSide, splitLines, stat } from "../patch";

test("lines keep their endings, and a last line without one stays so", () => {
  assert.deepEqual(splitLines("a\nb\r\nc"), ["a\n", "b\r\n", "c"]);
  assert.deepEqual(splitLines(""), []);
});

test("a changed middle line is put back", () => {
  const diff = "--- deployed/SKILL.md\n+++ project/SKILL.md\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n";
  assert.equal(oldSide("one\nTWO\nthree\n", diff), "one\ntwo\nthree\n");
  assert.deepEqual(stat(diff), { added: 1, removed: 1 });
});

test("lines outside the hunks come from the project copy", () => {
  const newText = Array.from({ length: 20 }, (_, i) => `l${i + 1}\n`).join("").replace("l10\n", "L10\n");
  const diff = "--- a\n+++ b\n@@ -7,7 +7,7 @@\n l7\n l8\n l9\n-l10\n+L10\n l11\n l12\n l13\n";
  assert.equal(oldSide(newText, diff), newText.replace("L10\n", "l10\n"));
});

test("several hunks, added and removed lines", () => {
  const old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
  const neu = "a\nB\nb\nc\nd\ne\nf\ng\nh\ni\nj\nl\n";
  const diff =
    "--- x\n+++ y\n@@ -1,4 +1,5 @@\n a\n+B\n b\n c\n d\n@@ -8,5 +9,4 @@\n h\n i\n j\n-k\n l\n";
  assert.equal(oldSide(neu, diff), old);
});

test("no newline at the end, on either side", () => {
  const diff =
    "--- collection/review.md\n+++ project/review.md\n@@ -3,4 +3,4 @@\n ---\n \n Review.\n-no newline\n\\ No newline at end of file\n+extra\n";
  assert.equal(oldSide("x\ny\n---\n\nReview.\nextra\n", diff), "x\ny\n---\n\nReview.\nno newline");
  const diff2 = "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n";
  assert.equal(oldSide("a\nc", diff2), "a\nb\n");
});

test("CRLF lines survive", () => {
  const diff = "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n";
  assert.equal(oldSide("a\r\nc\r\n", diff), "a\r\nb\r\n");
});

test("files added or deleted in the project", () => {
  const added = "--- /dev/null\n+++ project/new.md\n@@ -0,0 +1 @@\n+n\n";
  assert.ok(isAdded(added) && !isDeleted(added));
  assert.equal(oldSide("n\n", added), "");
  const deleted = "--- deployed/old.md\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n";
  assert.ok(isDeleted(deleted));
  assert.equal(oldSide("", deleted), "x\ny\n");
});

test("a diff that no longer fits the file is refused, binary files too", () => {
  const diff = "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n";
  assert.throws(() => oldSide("a\nd\n", diff), /does not fit/);
  const bin = "Binary files deployed/img and project/img differ\n";
  assert.ok(isBinary(bin));
  assert.throws(() => oldSide("", bin), /binary/);
});
