/** Opens a URL in the person's browser (`xdg-open` on Linux, `open` on macOS, `start` on Windows); best effort. */
import { spawn } from "node:child_process";

/**
 * Starts the platform's opener on `url`, detached, and returns at once; an opener that is missing or
 * fails is ignored (the URL is printed anyway). The URL goes as one argv element, never through a shell.
 */
export function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["rundll32", ["url.dll,FileProtocolHandler", url]]
        : ["xdg-open", [url]];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: "ignore" });
    child.on("error", () => {});
    child.unref();
  } catch {
    // No opener here: the person has the printed URL.
  }
}
