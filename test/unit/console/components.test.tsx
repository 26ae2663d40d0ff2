// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Context, type ConsoleContext } from '../../../console/src/lib/context';
import { ApiError } from '../../../console/src/lib/errors';
import { ALL_CAPABILITIES } from '../../../console/src/graphql/capabilities';
import { ConfigEditor } from '../../../console/src/components/config-editor';
import { SignIn } from '../../../console/src/pages/sign-in';
import { StationTable } from '../../../console/src/pages/stations';
import { LatestValues } from '../../../console/src/components/latest-values';
import type { Api } from '../../../console/src/lib/api';
import type { Device, Reading } from '../../../console/src/lib/types';
import { deviceFixture, sensorFixture } from '../../helpers/device-fixtures';

afterEach(cleanup);

function fakeApi(request: Api['request']): Api {
  return { capabilities: ALL_CAPABILITIES, request, subscribe: () => () => undefined };
}

function withConsole(children: ReactNode, api: Api, role: 'admin' | 'user' = 'admin') {
  const value: ConsoleContext = {
    api,
    config: { GraphQLUrl: 'http://x/graphql', Region: 'local', UserPoolId: 'p', UserPoolClientId: 'c' },
    user: { email: 'a@example.com', role },
  };
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

const buoy = (over: Partial<Device> = {}): Device =>
  deviceFixture({
    id: 'b1',
    name: 'Buoy one',
    sensors: [sensorFixture('ph', { unit: 'pH', min: 6.5, max: 8.5, decimals: 2 })],
    ...over,
  });

describe('SignIn', () => {
  it('asks for a new password when Cognito answers NEW_PASSWORD_REQUIRED, then signs in with it', async () => {
    const signIn = vi.fn().mockResolvedValue({ step: 'new-password' });
    const newPassword = vi
      .fn()
      .mockResolvedValue({ step: 'done', user: { email: 'o@example.com', role: 'user' } });
    const onSignedIn = vi.fn();
    render(<SignIn config={{}} onSignedIn={onSignedIn} auth={{ signIn, newPassword }} />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'o@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'Temp-1!aa' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByLabelText('New password');
    expect(signIn).toHaveBeenCalledWith('o@example.com', 'Temp-1!aa');

    fireEvent.change(screen.getByLabelText('New password'), { target: { value: 'Chosen-1!' } });
    fireEvent.change(screen.getByLabelText('Repeat the new password'), { target: { value: 'Chosen-2!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('differ');
    expect(newPassword).not.toHaveBeenCalled();

    fireEvent.change(screen.getByLabelText('Repeat the new password'), { target: { value: 'Chosen-1!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith({ email: 'o@example.com', role: 'user' }));
    expect(newPassword).toHaveBeenCalledWith('Chosen-1!');
  });

  it('says a wrong password is wrong, in words a person acts on', async () => {
    const err = Object.assign(new Error('Incorrect username or password.'), {
      name: 'NotAuthorizedException',
    });
    render(
      <SignIn
        config={{}}
        onSignedIn={vi.fn()}
        auth={{ signIn: vi.fn().mockRejectedValue(err), newPassword: vi.fn() }}
      />,
    );
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'a@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Wrong email or password/);
  });
});

describe('ConfigEditor', () => {
  it("puts the API's validation message under the field it names and marks that input invalid", async () => {
    const request = vi.fn().mockRejectedValue(
      new ApiError('input.sensors.0.min: must be less than or equal to max (8.5)', 'ValidationError', {
        'input.sensors.0.min': 'must be less than or equal to max (8.5)',
      }),
    );
    render(withConsole(<ConfigEditor device={buoy()} onSaved={vi.fn()} />, fakeApi(request)));
    const min = screen.getByLabelText('Min');
    fireEvent.change(min, { target: { value: '9' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save config' }));
    await screen.findByText('must be less than or equal to max (8.5)');
    expect(min.getAttribute('aria-invalid')).toBe('true');
    expect(min.getAttribute('aria-describedby')).toContain('cfg-input-sensors-0-min-error');
    // Only what changed is sent, with the optimistic lock on the version being edited.
    expect(request).toHaveBeenCalledWith('updateDevice', {
      input: expect.objectContaining({
        id: 'b1',
        expectedVersion: 1,
        sensors: [expect.objectContaining({ min: 9 })],
      }),
    });
    expect(request.mock.calls[0]![1].input).not.toHaveProperty('name');
  });

  it('reports a number that does not parse before asking the API', async () => {
    const request = vi.fn();
    render(withConsole(<ConfigEditor device={buoy()} onSaved={vi.fn()} />, fakeApi(request)));
    fireEvent.change(screen.getByLabelText('Calibration (raw=actual; ...)'), {
      target: { value: '0=0; x=14' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save config' }));
    expect((await screen.findByText(/"x=14" is not raw=actual/)).textContent).toBeTruthy();
    expect(request).not.toHaveBeenCalled();
  });

  it('saves, then says whether the station has applied the new version yet', async () => {
    const saved = buoy({ name: 'Renamed', configVersion: 2 });
    const request = vi.fn().mockResolvedValue(saved);
    const onSaved = vi.fn();
    const api = fakeApi(request);
    const { rerender } = render(withConsole(<ConfigEditor device={buoy()} onSaved={onSaved} />, api));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Renamed' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save config' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved));
    expect(request).toHaveBeenCalledWith('updateDevice', {
      input: { id: 'b1', expectedVersion: 1, name: 'Renamed' },
    });
    // The page passes the saved device down, then the acknowledgement that the subscription brings.
    rerender(withConsole(<ConfigEditor device={saved} onSaved={onSaved} />, api));
    await screen.findByText('Saved as version 2: waiting for the station to apply it.');
    rerender(
      withConsole(<ConfigEditor device={{ ...saved, configStatus: 'APPLIED' }} onSaved={onSaved} />, api),
    );
    await screen.findByText('Saved as version 2 and applied by the station.');
  });

  it('shows a user the config read-only, with no save button', () => {
    render(withConsole(<ConfigEditor device={buoy()} onSaved={vi.fn()} />, fakeApi(vi.fn()), 'user'));
    expect(screen.queryByRole('button', { name: 'Save config' })).toBeNull();
    expect((screen.getByLabelText('Name') as HTMLInputElement).closest('fieldset')!.disabled).toBe(true);
    expect(screen.getByRole('heading', { name: /read-only/ })).toBeTruthy();
  });
});

describe('StationTable', () => {
  it('shows each station with its config status, last seen and open alerts', () => {
    const now = new Date().toISOString();
    render(
      <StationTable
        alerts
        devices={[
          buoy({ configStatus: 'APPLIED', configVersion: 3, lastSeenAt: now, openAlerts: 2 }),
          buoy({ id: 'b2', name: 'Buoy two', configStatus: 'REJECTED', lastSeenAt: null, openAlerts: 0 }),
        ]}
      />,
    );
    const first = screen.getByTestId('station-b1');
    expect(first.textContent).toContain('APPLIED v3');
    expect(first.textContent).toContain('2 open');
    expect(first.textContent).toMatch(/\d+ s ago/);
    const second = screen.getByTestId('station-b2');
    expect(second.textContent).toContain('REJECTED');
    expect(second.textContent).toContain('never');
    expect(second.textContent).toContain('none');
  });

  it('says n/a for alerts when the API does not serve them', () => {
    render(<StationTable alerts={false} devices={[buoy()]} />);
    expect(screen.getByTestId('station-b1').textContent).toContain('n/a');
  });
});

describe('LatestValues', () => {
  it('shows the value with its unit and decimals, and marks out-of-range and suspect readings', () => {
    const reading: Reading = {
      deviceId: 'b1',
      sensor: 'ph',
      time: new Date().toISOString(),
      value: 9.1234,
      raw: 2700,
      unit: 'pH',
      outOfRange: true,
      configVersion: 1,
      qcFlag: 3,
      qcTests: ['spike'],
    };
    render(<LatestValues device={buoy()} readings={[reading]} now={Date.now()} />);
    const row = screen.getByTestId('latest-ph');
    expect(row.textContent).toContain('9.12 pH');
    expect(row.textContent).toContain('out of range');
    expect(row.textContent).toContain('suspect: spike');
    expect(row.className).toBe('out-of-range');
  });
});
