/**
 * Open mode without ADMIN_KEY: sets the signed-in user's display name through the admin API
 * (`PUT /v1/users/{id}`), which is open there like everything else. True if it took.
 */
export async function setDisplayName(userId: string, name: string): Promise<boolean> {
  try {
    const res = await fetch(`/v1/users/${encodeURIComponent(userId)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    return res.ok;
  } catch {
    return false;
  }
}
