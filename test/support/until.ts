/**
 * Waits until `condition` holds, checking every `intervalMs`; fails after
 * `timeoutMs`. Tests that kill a worker mid-run poll often (a few ms), so the
 * kill lands where they mean it to.
 */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
