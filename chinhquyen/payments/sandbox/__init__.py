"""A local payment gateway speaking the VNPay protocol, for the demo and the tests.

It answers only while the active provider is ``vnpay_sandbox`` (settings ``PAYMENT_PROVIDER``).
"""
