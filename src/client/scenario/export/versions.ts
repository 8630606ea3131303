import { version as serverVersion } from "socket.io/package.json";
import { version as clientVersion } from "socket.io-client/package.json";
import site from "../../../../package.json";

/**
 * The versions a bug report and an exported script name: the Socket.IO packages the site was built with (the
 * lab's server and the page's client are these), the site's own version, and the Node it runs on.
 */
export const VERSIONS = {
  socketIo: serverVersion,
  socketIoClient: clientVersion,
  site: site.version,
  node: site.engines.node,
} as const;
