// The one libsodium binding Rollcall calls; sodium-native ships no types of its own.
declare module 'sodium-native' {
  const sodium: {
    crypto_sign_verify_detached(signature: Buffer, message: Buffer, publicKey: Buffer): boolean;
  };
  export default sodium;
}
