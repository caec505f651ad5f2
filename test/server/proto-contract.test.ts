// The minfs wire contract (proto/metaserver.proto, proto/dataserver.proto) against the tables of
// /work/shared/minfs-compat.md section 1, written out below; plus our extensions (fields >= 100, new
// RPCs appended at the end of the service), and a check that src/generated/ is what
// scripts/gen-proto.sh produces from the .proto files today.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';

/** The repo root: the nearest ancestor of this file (src or compiled under dist/) holding proto/metaserver.proto. */
function findRepoRoot(): string {
  for (let dir = __dirname; ;) {
    if (fs.existsSync(path.join(dir, 'proto', 'metaserver.proto')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no repo root (with proto/metaserver.proto) above ${__dirname}`);
    dir = parent;
  }
}

const ROOT = findRepoRoot();
const PROTO_DIR = path.join(ROOT, 'proto');
const PACKAGE = 'dfs_project';

/** The loader options of the server and of scripts/gen-proto.sh. */
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

// ---------------------------------------------------------------------------------------------
// The contract, from minfs-compat.md section 1. A field is `<number> <name> [repeated ]<type>`, with
// ` (oneof <name>)` appended for oneof members; message and enum types are named relative to the package.

type Fields = readonly string[];

const METASERVER_MESSAGES: Record<string, Fields> = {
  ReplicaData: ['1 id string', '2 dsNode string', '3 path string'],
  StatInfo: ['1 path string', '2 size int64', '3 mtime int64', '4 type FileType', '5 replicaData repeated ReplicaData', '6 md5 string'],
  MetaServerMsg: ['1 host string', '2 port int32'],
  DataServerMsg: ['1 host string', '2 port int32', '3 fileTotal int32', '4 capacity int32', '5 useCapacity int32'],
  ClusterInfo: ['1 masterMetaServer MetaServerMsg', '2 slaveMetaServer repeated MetaServerMsg', '3 dataServer repeated DataServerMsg'],
  NodeInfo: [
    '1 inode uint64',
    '2 path string',
    '3 type FileType',
    '4 size int64',
    '5 mtime int64',
    '6 replication uint32',
    '7 md5 string',
    '8 replicaData repeated ReplicaData',
  ],
  BlockLocations: ['1 block_id uint64', '2 locations repeated string'],
  SimpleResponse: ['1 success bool', '2 message string'],
  CreateNodeRequest: ['1 path string', '2 type FileType'],
  GetNodeInfoRequest: ['1 path string'],
  GetNodeInfoResponse: ['1 statInfo StatInfo'],
  ListDirectoryRequest: ['1 path string'],
  ListDirectoryResponse: ['1 nodes repeated StatInfo'],
  DeleteNodeRequest: ['1 path string', '2 recursive bool'],
  GetBlockLocationsRequest: ['1 path string', '2 size int64'],
  GetBlockLocationsResponse: ['1 inode uint64', '2 block_locations repeated BlockLocations'],
  FinalizeWriteRequest: ['1 path string', '2 inode uint64', '3 size int64', '4 md5 string'],
  GetClusterInfoRequest: [],
  GetClusterInfoResponse: ['1 clusterInfo ClusterInfo'],
  HeartbeatRequest: [
    '1 dataServer_id string',
    '2 dataServer_addr string',
    '3 block_count uint64',
    '4 free_space uint64',
    '5 block_ids_report repeated uint64',
    '6 total_capacity uint64',
  ],
  Command: ['1 action Command.Action', '2 block_id uint64', '3 targets repeated string'],
  HeartbeatResponse: ['1 commands repeated Command'],
  GetReplicationInfoRequest: ['1 path string'],
  BlockReplicationInfo: [
    '1 block_id uint64',
    '2 locations repeated string',
    '3 expected_locations repeated string',
    '4 replica_count uint32',
  ],
  ReplicationStatus: [
    '1 path string',
    '2 inode uint64',
    '3 size int64',
    '4 expected_replicas uint32',
    '5 actual_replicas uint32',
    '6 blocks repeated BlockReplicationInfo',
    '7 status string',
  ],
  GetReplicationInfoResponse: [
    '1 files repeated ReplicationStatus',
    '2 total_files uint32',
    '3 healthy_files uint32',
    '4 under_replicated_files uint32',
    '5 over_replicated_files uint32',
  ],
  GetLeaderRequest: [],
  GetLeaderResponse: ['1 leader MetaServerMsg', '2 followers repeated MetaServerMsg'],
  // Deprecated WAL part of the metaServer copy.
  LogEntry: ['1 log_index uint64', '2 timestamp int64', '3 operation WALOperationType', '4 data bytes', '5 checksum string'],
  CreateNodeOperation: ['1 path string', '2 type FileType', '3 inode_id uint64'],
  DeleteNodeOperation: ['1 path string', '2 recursive bool'],
  UpdateNodeOperation: ['1 path string', '2 size int64', '3 mtime int64'],
  FinalizeWriteOperation: ['1 path string', '2 block_locations repeated BlockLocations', '3 inode uint64', '4 size int64', '5 md5 string'],
  UpdateBlockLocationOperation: ['1 block_id uint64', '2 old_addr string', '3 new_addr string'],
  SetBlockMappingOperation: ['1 inode_id uint64', '2 block_index uint64', '3 block_locs BlockLocations'],
  RequestWALSyncRequest: ['1 node_id string', '2 last_log_index uint64', '3 reason string'],
};

const DATASERVER_MESSAGES: Record<string, Fields> = {
  WriteBlockRequest: ['1 metadata WriteBlockMetadata (oneof content)', '2 chunk_data bytes (oneof content)'],
  WriteBlockMetadata: ['1 block_id uint64', '2 replica_locations repeated string'],
  WriteBlockResponse: ['1 success bool'],
  ReadBlockRequest: ['1 block_id uint64'],
  ReadBlockResponse: ['1 chunk_data bytes'],
  DeleteBlockRequest: ['1 block_id uint64'],
  DeleteBlockResponse: ['1 success bool'],
  CopyBlockRequest: ['1 block_id uint64', '2 source_address string'],
  CopyBlockResponse: ['1 success bool'],
};

/** Our extensions: new fields (numbers >= 100) of contract messages. */
const EXTENSION_FIELDS: Record<string, Fields> = {
  StatInfo: ['100 inode uint64'],
  CreateNodeRequest: ['100 parents bool', '101 request_id string'],
  ListDirectoryRequest: ['100 page_size uint32', '101 page_token string'],
  ListDirectoryResponse: ['100 next_page_token string'],
  DeleteNodeRequest: ['100 request_id string'],
  GetBlockLocationsRequest: ['100 request_id string'],
  FinalizeWriteRequest: ['100 request_id string'],
};

/** Our extensions: new messages (for new RPCs). */
const EXTENSION_MESSAGES: Record<string, Fields> = {
  RenameRequest: ['1 src_path string', '2 dst_path string', '3 request_id string'],
  ReadIndexRequest: ['1 node_id string'],
  ReadIndexResponse: ['1 index uint64'],
};

const ENUMS: Record<string, Record<string, number>> = {
  FileType: { Unknown: 0, Volume: 1, File: 2, Directory: 3 },
  'Command.Action': { DELETE_BLOCK: 0, COPY_BLOCK: 1 },
  WALOperationType: { CREATE_NODE: 0, DELETE_NODE: 1, UPDATE_NODE: 2, FINALIZE_WRITE: 3, UPDATE_BLOCK_LOCATION: 4, SET_BLOCK_MAPPING: 5 },
};
const METASERVER_ENUMS = ['FileType', 'Command.Action', 'WALOperationType'];

/** An RPC: `<name> <request> <response> <kind>`, kind one of unary, client-streaming, server-streaming, bidi-streaming. */
const METASERVER_RPCS: readonly string[] = [
  'CreateNode CreateNodeRequest SimpleResponse unary',
  'GetNodeInfo GetNodeInfoRequest GetNodeInfoResponse unary',
  'ListDirectory ListDirectoryRequest ListDirectoryResponse unary',
  'DeleteNode DeleteNodeRequest SimpleResponse unary',
  'GetBlockLocations GetBlockLocationsRequest GetBlockLocationsResponse unary',
  'FinalizeWrite FinalizeWriteRequest SimpleResponse unary',
  'GetClusterInfo GetClusterInfoRequest GetClusterInfoResponse unary',
  'GetReplicationInfo GetReplicationInfoRequest GetReplicationInfoResponse unary',
  'Heartbeat HeartbeatRequest HeartbeatResponse unary',
  'SyncWAL LogEntry SimpleResponse client-streaming',
  'RequestWALSync RequestWALSyncRequest LogEntry server-streaming',
  'GetLeader GetLeaderRequest GetLeaderResponse unary',
];
/** Our extensions: RPCs appended after the contract's. */
const METASERVER_EXTENSION_RPCS: readonly string[] = ['Rename RenameRequest SimpleResponse unary', 'ReadIndex ReadIndexRequest ReadIndexResponse unary'];

const DATASERVER_RPCS: readonly string[] = [
  'WriteBlock WriteBlockRequest WriteBlockResponse client-streaming',
  'ReadBlock ReadBlockRequest ReadBlockResponse server-streaming',
  'DeleteBlock DeleteBlockRequest DeleteBlockResponse unary',
  'CopyBlock CopyBlockRequest CopyBlockResponse unary',
];

/** The expected fields of metaserver.proto's messages: contract plus extensions. */
function expectedMetaServerMessages(): Record<string, Fields> {
  const all: Record<string, Fields> = { ...EXTENSION_MESSAGES };
  for (const [name, fields] of Object.entries(METASERVER_MESSAGES)) all[name] = [...fields, ...(EXTENSION_FIELDS[name] ?? [])];
  return all;
}

// ---------------------------------------------------------------------------------------------
// Reflection with protobufjs (what @grpc/proto-loader itself uses underneath).

function loadRoot(files: string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_DIR, target));
  root.loadSync(files, { keepCase: true });
  root.resolveAll();
  return root;
}

/** All message types and enums (nested ones too) of the package, by name relative to the package. */
function collect(root: protobuf.Root): {
  messages: Map<string, protobuf.Type>;
  enums: Map<string, protobuf.Enum>;
  services: Map<string, protobuf.Service>;
} {
  const messages = new Map<string, protobuf.Type>();
  const enums = new Map<string, protobuf.Enum>();
  const services = new Map<string, protobuf.Service>();
  const walk = (ns: protobuf.NamespaceBase, prefix: string): void => {
    for (const nested of ns.nestedArray) {
      const name = prefix + nested.name;
      if (nested instanceof protobuf.Type) {
        messages.set(name, nested);
        walk(nested, `${name}.`);
      } else if (nested instanceof protobuf.Enum) {
        enums.set(name, nested);
      } else if (nested instanceof protobuf.Service) {
        services.set(name, nested);
      } else if (nested instanceof protobuf.Namespace) {
        walk(nested, `${name}.`);
      }
    }
  };
  const pkg = root.lookup(PACKAGE);
  assert.ok(pkg instanceof protobuf.Namespace, `package ${PACKAGE} is declared`);
  walk(pkg, '');
  assert.deepEqual(
    root.nestedArray.map((n) => n.name),
    [PACKAGE],
    'nothing is declared outside package dfs_project',
  );
  return { messages, enums, services };
}

function describeField(field: protobuf.Field): string {
  assert.ok(!(field instanceof protobuf.MapField), `${field.fullName} is not a map`);
  const type = field.resolvedType === null ? field.type : field.resolvedType.fullName.replace(`.${PACKAGE}.`, '');
  const oneof = field.partOf === null ? '' : ` (oneof ${field.partOf.name})`;
  return `${field.id} ${field.name} ${field.repeated ? 'repeated ' : ''}${type}${oneof}`;
}

function describeFields(type: protobuf.Type): string[] {
  return [...type.fieldsArray].sort((a, b) => a.id - b.id).map(describeField);
}

function kindOf(requestStream: boolean, responseStream: boolean): string {
  if (requestStream && responseStream) return 'bidi-streaming';
  if (requestStream) return 'client-streaming';
  if (responseStream) return 'server-streaming';
  return 'unary';
}

function describeMethods(service: protobuf.Service): string[] {
  return service.methodsArray.map(
    (m) => `${m.name} ${m.requestType} ${m.responseType} ${kindOf(m.requestStream === true, m.responseStream === true)}`,
  );
}

function assertMessages(actual: Map<string, protobuf.Type>, expected: Record<string, Fields>, file: string): void {
  assert.deepEqual([...actual.keys()].sort(), Object.keys(expected).sort(), `the messages of ${file}`);
  for (const [name, fields] of Object.entries(expected)) {
    assert.deepEqual(describeFields(actual.get(name)!), [...fields], `the fields of ${name} (${file})`);
  }
}

function assertEnums(actual: Map<string, protobuf.Enum>, names: string[], file: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...names].sort(), `the enums of ${file}`);
  for (const name of names) {
    assert.deepEqual({ ...actual.get(name)!.values }, ENUMS[name], `the values of enum ${name} (${file})`);
  }
}

function fileOptions(root: protobuf.Root): { [k: string]: unknown } | undefined {
  return (root.lookup(PACKAGE) as protobuf.Namespace).options;
}

// ---------------------------------------------------------------------------------------------

test('metaserver.proto: package, options, messages, enums and the MetaServerService RPCs in declaration order', () => {
  const root = loadRoot(['metaserver.proto']);
  const { messages, enums, services } = collect(root);
  assert.equal(fileOptions(root)?.['go_package'], './pb');
  assertMessages(messages, expectedMetaServerMessages(), 'metaserver.proto');
  assertEnums(enums, METASERVER_ENUMS, 'metaserver.proto');
  assert.deepEqual([...services.keys()], ['MetaServerService']);
  assert.deepEqual(describeMethods(services.get('MetaServerService')!), [...METASERVER_RPCS, ...METASERVER_EXTENSION_RPCS]);
});

test('dataserver.proto: package, options, messages and the DataServerService RPCs in declaration order', () => {
  const root = loadRoot(['dataserver.proto']);
  const { messages, enums, services } = collect(root);
  assert.equal(fileOptions(root)?.['go_package'], './pb');
  assertMessages(messages, DATASERVER_MESSAGES, 'dataserver.proto');
  assertEnums(enums, [], 'dataserver.proto');
  assert.deepEqual([...services.keys()], ['DataServerService']);
  assert.deepEqual(describeMethods(services.get('DataServerService')!), DATASERVER_RPCS);
});

test('both files are proto3 and define no name twice (they share package dfs_project)', () => {
  for (const file of ['metaserver.proto', 'dataserver.proto']) {
    const text = fs.readFileSync(path.join(PROTO_DIR, file), 'utf8');
    assert.match(text, /^syntax = "proto3";$/m, `${file} is proto3`);
    assert.match(text, /^package dfs_project;$/m, `${file} is package dfs_project`);
    assert.doesNotMatch(text, /^\s*import\s/m, `${file} imports nothing`);
  }
  const meta = collect(loadRoot(['metaserver.proto']));
  const data = collect(loadRoot(['dataserver.proto']));
  const names = (c: typeof meta): string[] => [...c.messages.keys(), ...c.enums.keys(), ...c.services.keys()];
  const dataNames = new Set(names(data));
  assert.deepEqual(
    names(meta).filter((n) => dataNames.has(n)),
    [],
  );
  // And protobufjs accepts them in one root (it rejects duplicate names).
  assert.doesNotThrow(() => loadRoot(['metaserver.proto', 'dataserver.proto']));
});

test('extensions: new fields of contract messages are numbered >= 100; the contract fields are untouched', () => {
  for (const [name, fields] of Object.entries(EXTENSION_FIELDS)) {
    assert.ok(name in METASERVER_MESSAGES, `${name} is a contract message`);
    for (const field of fields) assert.ok(Number(field.split(' ')[0]) >= 100, `${name}: ${field} is numbered >= 100`);
  }
  for (const name of Object.keys(EXTENSION_MESSAGES)) assert.ok(!(name in METASERVER_MESSAGES), `${name} is a new message`);
  const meta = loadRoot(['metaserver.proto']);
  for (const [name, fields] of Object.entries(METASERVER_MESSAGES)) {
    const contractFields = describeFields(meta.lookupType(`${PACKAGE}.${name}`)).filter((f) => Number(f.split(' ')[0]) < 100);
    assert.deepEqual(contractFields, [...fields], `the contract fields of ${name}`);
  }
});

/** The message name in proto-loader's descriptor of a type (a DescriptorProto object, typed as `object`). */
function descriptorName(definition: protoLoader.ProtobufTypeDefinition): string {
  const descriptor = definition.type;
  assert.ok('name' in descriptor && typeof descriptor.name === 'string', 'the descriptor has a name');
  return descriptor.name;
}

test('@grpc/proto-loader with the server options: full method paths, streaming flags, every type present', () => {
  const definition = protoLoader.loadSync(['metaserver.proto', 'dataserver.proto'], LOADER_OPTIONS);
  const expectedTypes = [
    ...Object.keys(expectedMetaServerMessages()),
    ...Object.keys(DATASERVER_MESSAGES),
    'FileType',
    'WALOperationType',
    'MetaServerService',
    'DataServerService',
  ].map((n) => `${PACKAGE}.${n}`);
  assert.deepEqual(Object.keys(definition).sort(), expectedTypes.sort());

  const services: [string, readonly string[]][] = [
    ['MetaServerService', [...METASERVER_RPCS, ...METASERVER_EXTENSION_RPCS]],
    ['DataServerService', DATASERVER_RPCS],
  ];
  for (const [service, rpcs] of services) {
    const methods = definition[`${PACKAGE}.${service}`] as protoLoader.ServiceDefinition;
    assert.deepEqual(
      Object.keys(methods),
      rpcs.map((r) => r.split(' ')[0]),
    );
    for (const rpc of rpcs) {
      const [name, request, response, kind] = rpc.split(' ') as [string, string, string, string];
      const method = methods[name]!;
      assert.equal(method.path, `/${PACKAGE}.${service}/${name}`);
      assert.equal(kindOf(method.requestStream, method.responseStream), kind, `${service}.${name} kind`);
      assert.equal(descriptorName(method.requestType), request, `${service}.${name} request`);
      assert.equal(descriptorName(method.responseType), response, `${service}.${name} response`);
    }
  }
});

test('wire format: 64-bit integers decode as strings, enums as names, defaults filled, block_ids_report packed', () => {
  const definition = protoLoader.loadSync(['metaserver.proto', 'dataserver.proto'], LOADER_OPTIONS);
  const heartbeat = (definition[`${PACKAGE}.MetaServerService`] as protoLoader.ServiceDefinition)['Heartbeat']!;
  const request = heartbeat.requestSerialize({ dataServer_id: 'ds-1', block_ids_report: ['1700000000000001', 2] });
  // Field 5, wire type 2 (length-delimited): packed.
  const packedTag = (5 << 3) | 2;
  assert.ok(request.includes(Buffer.from([packedTag])), 'block_ids_report is packed');
  assert.deepEqual(heartbeat.requestDeserialize(request), {
    dataServer_id: 'ds-1',
    dataServer_addr: '',
    block_count: '0',
    free_space: '0',
    block_ids_report: ['1700000000000001', '2'],
    total_capacity: '0',
  });
  // An unset Command.action is DELETE_BLOCK (the proto3 default).
  const response = heartbeat.responseDeserialize(heartbeat.responseSerialize({ commands: [{ block_id: '7', targets: ['a:1'] }] })) as {
    commands: unknown[];
  };
  assert.deepEqual(response.commands, [{ action: 'DELETE_BLOCK', block_id: '7', targets: ['a:1'] }]);

  const writeBlock = (definition[`${PACKAGE}.DataServerService`] as protoLoader.ServiceDefinition)['WriteBlock']!;
  const decoded = writeBlock.requestDeserialize(
    writeBlock.requestSerialize({ metadata: { block_id: '5', replica_locations: ['b:2'] } }),
  ) as {
    content?: string;
  };
  assert.equal(decoded.content, 'metadata');
});

// ---------------------------------------------------------------------------------------------

function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

test('src/generated is up to date with proto/ (run `npm run proto:gen` after changing a .proto)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'minfs-proto-gen-'));
  try {
    const out = path.join(tmp, 'generated');
    execFileSync('bash', [path.join(ROOT, 'scripts', 'gen-proto.sh'), out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const checkedIn = path.join(ROOT, 'src', 'generated');
    const files = listFiles(out);
    assert.ok(files.length > 0, 'the script generated files');
    assert.deepEqual(listFiles(checkedIn), files, 'the same files in src/generated');
    for (const file of files) {
      assert.equal(
        fs.readFileSync(path.join(checkedIn, file), 'utf8'),
        fs.readFileSync(path.join(out, file), 'utf8'),
        `src/generated/${file} is up to date`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
