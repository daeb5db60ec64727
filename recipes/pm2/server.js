// The app of this recipe: a tiny HTTP server on port 3000.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 3000);
createServer((_request, response) => response.end(`hello from pid ${process.pid}\n`)).listen(
  port,
  () => console.log(`listening on http://localhost:${port} (pid ${process.pid})`),
);
