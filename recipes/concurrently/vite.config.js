import { defineConfig } from 'vite';

export default defineConfig({
  // Fail instead of moving to 5174 when 5173 is taken: predev has freed it, and the URL in
  // bookmarks, OAuth redirects and proxies stays right.
  server: { port: 5173, strictPort: true },
});
