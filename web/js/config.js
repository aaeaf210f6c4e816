// The runtime configuration, next to index.html (written by Terraform on AWS, by the local
// web server locally): restUrl, websocketUrl, region, userPoolId, userPoolClientId, cognitoEndpoint.

const REQUIRED = ["restUrl", "websocketUrl", "region", "userPoolId", "userPoolClientId", "cognitoEndpoint"];
let config = null;

export async function loadConfig() {
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const loaded = await response.json();
  const missing = REQUIRED.filter((key) => !loaded[key]);
  if (missing.length) throw new Error(`config.json lacks ${missing.join(", ")}`);
  config = { ...loaded, restUrl: loaded.restUrl.replace(/\/+$/, "") };
  return config;
}

export function getConfig() {
  if (!config) throw new Error("configuration not loaded");
  return config;
}
