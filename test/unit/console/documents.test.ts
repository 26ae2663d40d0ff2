import { graphqlSync, parse, print, validate, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadLocalSchema } from '../../../local/server/schema';
import {
  ALL_CAPABILITIES,
  capabilitiesFrom,
  type Capabilities,
} from '../../../console/src/graphql/capabilities';
import {
  CAPABILITIES_QUERY,
  DOCUMENT_NEEDS,
  documents,
  type DocumentName,
} from '../../../console/src/graphql/documents';

/**
 * The console's GraphQL documents against schema.graphql (with the AppSync
 * scalars and directives the local server adds). The console asks the API which
 * optional contract parts (CONTRACT.md section 5) it serves; every document it
 * would send to this schema must validate, and once the schema has all of
 * them, the full contract documents are the ones checked.
 */
const { schema } = loadLocalSchema();

function served(): Capabilities {
  const result = graphqlSync({ schema, source: CAPABILITIES_QUERY });
  expect(result.errors).toBeUndefined();
  return capabilitiesFrom(result.data as Parameters<typeof capabilitiesFrom>[0]);
}

function errorsOf(caps: Capabilities): string[] {
  const docs = documents(caps);
  return (Object.keys(docs) as DocumentName[])
    .filter((name) => {
      const need = DOCUMENT_NEEDS[name];
      return !need || caps[need];
    })
    .flatMap((name) => validate(schema, parse(docs[name])).map((e) => `${name}: ${e.message}`));
}

describe('the console GraphQL documents', () => {
  it('validate against schema.graphql for every part of the contract the schema serves', () => {
    const caps = served();
    const missing = (Object.keys(caps) as (keyof Capabilities)[]).filter((k) => !caps[k]);
    if (missing.length)
      console.info(
        `schema.graphql lacks these contract parts the console uses (left out until they land): ${missing.join(', ')}`,
      );
    expect(errorsOf(caps)).toEqual([]);
  });

  it('name only contract fields: with every part on, the only errors are the parts the schema lacks', () => {
    const caps = served();
    const pending: Record<keyof Capabilities, RegExp> = {
      alerts: /alerts|openAlerts|acknowledgeAlert|onAlertChanged|AlertState/,
      quality: /qcFlag|qcTests/,
      export: /exportReadings|ExportFormat/,
    };
    const unexplained = errorsOf(ALL_CAPABILITIES).filter(
      (e) => !(Object.keys(pending) as (keyof Capabilities)[]).some((k) => !caps[k] && pending[k].test(e)),
    );
    expect(unexplained).toEqual([]);
  });

  it('leave the optional parts out when the API does not serve them', () => {
    const none = { alerts: false, quality: false, export: false };
    const docs = documents(none);
    expect(docs.devices).not.toContain('openAlerts');
    expect(docs.latestReadings).not.toContain('qcFlag');
    expect(documents(ALL_CAPABILITIES).devices).toContain('openAlerts');
    expect(documents(ALL_CAPABILITIES).latestReadings).toContain('qcTests');
  });

  it('select in every device mutation all that the subscription selects (AppSync sends only those)', () => {
    const docs = documents(ALL_CAPABILITIES);
    const fieldsOf = (doc: string) => {
      const operation = parse(doc).definitions[0] as OperationDefinitionNode;
      const root = operation.selectionSet.selections[0] as FieldNode;
      return print(root.selectionSet!);
    };
    const subscribed = fieldsOf(docs.onDeviceConfigChanged);
    for (const name of ['createDevice', 'updateDevice', 'deleteDevice', 'rollbackDeviceConfig'] as const)
      expect(fieldsOf(docs[name]), name).toBe(subscribed);
  });

  it('read an introspection-less answer as the whole contract', () => {
    expect(capabilitiesFrom(undefined)).toEqual(ALL_CAPABILITIES);
    expect(
      capabilitiesFrom({ device: { fields: [{ name: 'id' }] }, reading: null, query: { fields: [] } }),
    ).toEqual({
      alerts: false,
      quality: false,
      export: false,
    });
  });
});
