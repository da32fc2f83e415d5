// What our entity capabilities (XEP-0115) advertise. StanzaJS advertises every protocol it can
// parse, including PEP notifications (+notify) for geolocation, mood, nicknames (XEP-0172), tune and
// activity that
// would make servers push data the SDK never shows, and features the browser build does not
// carry (see scripts/rollup-stanza-subset.mjs). Withdrawing them keeps disco honest and saves
// the server and the client the pushes.
import { Namespaces, type Agent } from 'stanza';

const UNSUPPORTED = [
  Namespaces.NS_ACTIVITY,
  Namespaces.NS_GEOLOC,
  Namespaces.NS_MOOD,
  Namespaces.NS_NICK,
  Namespaces.NS_TUNE,
  Namespaces.NS_ATTENTION_0,
  Namespaces.NS_BOB,
  Namespaces.NS_RTT_0,
  Namespaces.NS_HATS_0,
  Namespaces.NS_EME_0,
  Namespaces.NS_JSON_0,
  Namespaces.NS_SHIM,
  `${Namespaces.NS_SHIM}#SubID`,
  Namespaces.NS_DATAFORM_LAYOUT,
  Namespaces.NS_DATAFORM_MEDIA,
  Namespaces.NS_DATAFORM_VALIDATION,
  Namespaces.NS_PSA,
  Namespaces.NS_REFERENCE_0,
];

/** Removes the features of {@link UNSUPPORTED} (and their +notify) from our own disco#info. */
export function withdrawUnsupportedFeatures(agent: Agent): void {
  const own = agent.disco.features.get('');
  if (!own) return;
  for (const feature of UNSUPPORTED) {
    own.delete(feature);
    own.delete(Namespaces.NS_PEP_NOTIFY(feature));
  }
}
