"""Headless Debian Chromium through Playwright, with every non-loopback request blocked and
recorded, and a folder for the screenshots people look at."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
_COMMON_ARGS = [
    "--no-sandbox",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WebGL (MapLibre draws the map with it) on the CPU, as these machines have no GPU:
# * "swiftshader" (the tests, and the benches' default): Chromium's own SwiftShader stands in
#   for the GPU, for WebGL and for compositing the page, in Chromium's GPU process, as on a
#   machine with a GPU;
# * "swiftshader-nogpu": the same WebGL, with the GPU process turned off (--disable-gpu): the
#   page is composited in software, so every frame of the map is read back from WebGL on the
#   page's main thread (a synchronous ReadPixels, 50-130 ms on these machines), which then
#   waits for it. No machine with a GPU pays that; the benches keep it for comparison;
# * "llvmpipe": Mesa's llvmpipe through EGL (libgl1-mesa-dri), another software rasteriser.
# bench/browser.py --gl picks one.
GL_ARGS = {
    "swiftshader": ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
    "swiftshader-nogpu": [
        "--disable-gpu",
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
    ],
    "llvmpipe": ["--use-angle=gl-egl", "--ignore-gpu-blocklist", "--enable-gpu"],
}
CHROMIUM_ARGS = [*_COMMON_ARGS, *GL_ARGS["swiftshader"]]
# the WebGL renderer a page gets (to print beside browser figures)
RENDERER_JS = """() => { const c = document.createElement('canvas');
  const gl = c.getContext('webgl2') || c.getContext('webgl'); if (!gl) return 'no WebGL';
  const e = gl.getExtension('WEBGL_debug_renderer_info');
  return e ? gl.getParameter(e.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER); }"""


def chromium_args(gl: str = "swiftshader") -> list[str]:
    """Chromium's command line with the WebGL rasteriser ``gl`` (a key of GL_ARGS)."""
    return [*_COMMON_ARGS, *GL_ARGS[gl]]


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class NetworkLog:
    """Requests the page made, split by whether they stayed on this machine."""

    local: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def record(self, url: str) -> bool:
        """Record ``url``; True when it may proceed (loopback, data: or blob:)."""
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob") or parsed.hostname in LOOPBACK:
            self.local.append(url)
            return True
        self.external.append(url)
        return False
