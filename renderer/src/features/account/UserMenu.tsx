/** The header's user menu: who is signed in, change password, lock now. */
import { useState } from 'react';
import { Button, Menu, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useServices } from '../../services';
import { ChangePasswordDialog } from './ChangePasswordDialog';

export function UserMenu() {
  const { t } = useTranslation();
  const { account } = useServices();
  const [dialog, setDialog] = useState(false);
  if (!account) return null;
  const name = account.user.displayName || account.user.username;
  return (
    <>
      <Menu position="bottom-end" withArrow shadow="md">
        <Menu.Target>
          <Button variant="default" size="xs" aria-label={t('account.menuLabel', { name })} data-testid="user-menu">
            <Text span size="sm" maw={180} truncate="end">
              {name}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            {t('account.signedInAs')} <span dir="ltr">{account.user.username}</span>
          </Menu.Label>
          <Menu.Item onClick={() => setDialog(true)} data-testid="user-menu-change-password">
            {t('account.changePassword')}
          </Menu.Item>
          <Menu.Item onClick={() => account.lock()} data-testid="user-menu-lock">
            {t('account.lockNow')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ChangePasswordDialog account={account} opened={dialog} onClose={() => setDialog(false)} />
    </>
  );
}
