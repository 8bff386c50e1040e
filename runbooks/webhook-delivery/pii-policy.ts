// The webhook-delivery service's PII policy: data only. `slogate pii-scan`, `slogate gate` and
// docs/pii.md read it; the scanner library receives it as a parameter.
import type { PiiPolicy } from '../../src/pii/policy.ts';

export const webhookDeliveryPiiPolicy: PiiPolicy = {
  fields: {
    // OpenTelemetry semantic conventions and the Elastic Common Schema, plus the flat spellings
    // of nginx, Envoy, logfmt and hand-rolled JSON loggers.
    personal: [
      'client.*', 'source.*', 'user.*', 'enduser.*',
      'client_ip', 'client_addr', 'client_address', 'remote_addr', 'remote_ip', 'real_ip', 'x_real_ip',
      'x_forwarded_for', 'http_x_forwarded_for', 'forwarded_for', 'true_client_ip', 'cf_connecting_ip',
      'downstream_remote_address', 'downstream_direct_remote_address', 'src_ip', 'source_ip', 'peer_ip',
      'remote_user', 'customer*', 'recipient*',
    ],
    infrastructure: [
      'server.*', 'destination.*', 'host.*', 'upstream*', 'network.local.*', 'k8s.*', 'host', 'hostname', 'server',
      'server_addr', 'server_ip', 'host_ip', 'node_ip', 'pod_ip', 'local_addr', 'local_address',
      'downstream_local_address', 'upstream_local_address', 'dest_ip', 'dst_ip', 'listen', 'bind',
      'backend*', 'proxy*', 'egress*', 'resolver', 'nameserver',
      // Zeek's responder, and the addresses DNS answers with (ECS `dns.*`, Suricata's `rdata`)
      'id.resp_h', 'dns.*', 'rdata',
    ],
    // `*_user_name`: Windows events' TargetUserName and SubjectUserName (as winlogbeat writes them
    // too); `*_username`: Traefik's ClientUsername, Postfix's sasl_username
    username: ['username', 'user_name', 'user.name', 'user', 'enduser.id', 'remote_user', 'login', '*_user_name', '*_username'],
    phone: [
      '*phone*', '*mobile*', '*msisdn*', 'tel', '*_tel', 'tel_*', 'telephone*', 'cell', 'cell_*', '*_cell',
      'contact', 'contact_number', 'contact_no', 'fax', 'sms_to', 'sms_from',
    ],
    account: [
      '*account*', '*role*', 'db.user', 'db.username', 'db_user', 'db_username', 'db_user_name', 'database.user',
      'database_user*', 'service.name', 'principal', 'serviceaccount*',
    ],
  },
  ownDomains: ['hooks.slogate.dev', 'slogate.dev'],
  // RFC 2142's role mailboxes, then the no-reply family and other automated senders.
  roleMailboxes: [
    'info', 'marketing', 'sales', 'support', 'abuse', 'noc', 'security', 'postmaster', 'hostmaster',
    'usenet', 'news', 'webmaster', 'www', 'uucp', 'ftp',
    'noreply', 'no-reply', 'donotreply', 'do-not-reply', 'mailer-daemon', 'bounce', 'bounces', 'notifications',
  ],
  serviceAccounts: [
    'system:*', 'svc-*', 'svc_*', 'sa-*', '*-bot', '*[bot]', 'webhook-sender*', 'deploy', 'deployer', 'ci',
    'root', 'nobody', 'daemon', 'www-data', 'nginx', 'postgres', 'mysql', 'redis',
    // Windows' built-in logons and machine accounts (`WEB01$`)
    'system', 'local service', 'network service', 'anonymous logon', 'dwm-*', 'umfd-*', '*$',
    // the shared logins of cloud images and tools, and web servers' own users
    'ubuntu', 'ec2-user', 'centos', 'vagrant', 'git', 'apache', 'httpd',
    // the system users Linux distributions create for their daemons
    'bin', 'sys', 'adm', 'lp', 'mail', 'news', 'uucp', 'operator', 'games', 'man', 'proxy', 'backup', 'list', 'irc', 'ftp', 'sshd',
    'postfix', 'cyrus', 'smmsp', 'mailnull', 'dbus', 'polkitd', 'systemd-*', 'ntp', 'chrony', 'named', 'bind', 'squid', 'haproxy',
    'rpc', 'rpcuser', 'nfsnobody', 'avahi', 'saslauth',
    // the accounts data-platform daemons run as (a JVM logs `user.name=zookeeper` at start-up)
    'zookeeper', 'kafka', 'hadoop', 'hdfs', 'yarn', 'mapred', 'hive', 'spark', 'cassandra', 'elasticsearch', 'jenkins', 'tomcat',
    // Elasticsearch's built-in users and its internal ones (`_xpack_security`), AKS's service identity
    'elastic', 'kibana', 'kibana_system', 'logstash_system', 'beats_system', 'apm_system', 'remote_monitoring_user', '_xpack*', '_system', 'aksService',
    // Google Cloud's service accounts, which logs name by their address
    '*@*.gserviceaccount.com',
  ],
  allowedRanges: [],
  personalRanges: [],
  phoneCountries: ['US'],
};
