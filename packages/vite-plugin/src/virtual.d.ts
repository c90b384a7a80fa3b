declare module 'virtual:@footfall/vite/config' {
  const config: import('./host-config.ts').HostConfig;
  export default config;
}
