// The audit trail in the palette: newest first, narrowed to one artifact.

import assert from "node:assert/strict";
import {
  page,
  palette,
  pick,
  quickInput,
  quickRow,
  shot,
  step,
  waitFor,
} from "../harness.mjs";

step("the palette's audit log lists the events newest first and narrows to one artifact", async () => {
  await palette("SkillMeat: Show Audit Log");
  await quickRow("rollback command:review").waitFor({ state: "visible" });
  const rows = await quickInput().locator(".monaco-list-row").allTextContents();
  // Newest first: the times the rows show never go up (steps after the rollback add newer
  // events, so the rollback need not be the first row).
  const times = rows.map((r) => (r.match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/) ?? [""])[0]);
  assert.ok(times.every((t) => t !== ""), `every row shows its time:\n${rows.join("\n")}`);
  assert.ok(times.every((t, i) => i === 0 || times[i - 1] >= t), `newest first:\n${rows.join("\n")}`);
  // Older events are further down the (virtualised) list: the quick pick's filter finds them.
  await quickInput().locator("input").fill("skill:pdf");
  await quickRow("deploy skill:pdf").waitFor({ state: "visible" });
  await page.waitForTimeout(500); // the quick pick fades in
  await shot("vscode-log");
  // Picking an event of skill:pdf shows that artifact's events only.
  await pick("sync skill:pdf");
  const narrowed = await waitFor("only skill:pdf's events", async () => {
    const title = (await quickInput().locator(".quick-input-title").textContent()) ?? "";
    const r = await quickInput().locator(".monaco-list-row").allTextContents();
    return title.includes("skill:pdf") && r.length > 0 && r.every((x) => x.includes("skill:pdf")) ? r : undefined;
  });
  assert.ok(narrowed.some((r) => /deploy skill:pdf/.test(r)), narrowed.join("\n"));
  await page.keyboard.press("Escape");
});
